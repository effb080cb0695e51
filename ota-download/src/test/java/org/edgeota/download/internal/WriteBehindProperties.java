package org.edgeota.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Whatever the sizes of the appended buffers and wherever the stage settles or abandons its
 * buffered bytes, the file holds a prefix of what was appended, {@code written()} says how long it
 * is, and after settling the digest covers exactly the file.
 */
class WriteBehindProperties {
  private static final int CHUNK = WriteBehind.CHUNK_BYTES;

  private Path dir;

  /** One step: append this many bytes, then settle, abandon or go on. */
  record Step(int bytes, int after) {
    static final int GO_ON = 0;
    static final int SETTLE = 1;
    static final int ABANDON = 2;
  }

  @BeforeTry
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("ota-write-behind");
  }

  @AfterTry
  void removeDir() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> sizes =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 20_000),
            Arbitraries.integers().between(CHUNK - 3, CHUNK + 3),
            Arbitraries.integers().between(1, 3 * CHUNK));
    Arbitrary<Integer> after =
        Arbitraries.integers().between(0, 9).map(i -> i < 6 ? Step.GO_ON : i < 8 ? 1 : 2);
    return Combinators.combine(sizes, after).as(Step::new).list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(seed = "5150", tries = 60)
  void fileIsAlwaysAPrefixAndSettlingMakesTheDigestCoverIt(@ForAll("steps") List<Step> steps)
      throws Exception {
    Path file = dir.resolve("part");
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] appended = new byte[0];
    long kept = 0;
    long base = 0;
    SplittableRandom random = new SplittableRandom(steps.size());
    try (FileChannel ch = open(file);
        WriteBehind sink = new WriteBehind(digest)) {
      sink.startAt(ch, 0);
      for (Step step : steps) {
        byte[] bytes = new byte[step.bytes()];
        random.nextBytes(bytes);
        appendInPieces(sink, bytes, random);
        appended = concat(Arrays.copyOf(appended, (int) kept), bytes);
        kept = appended.length;

        assertThat(sink.written()).isLessThanOrEqualTo(kept).isGreaterThan(kept - CHUNK);
        assertThat((sink.written() - base) % CHUNK).isZero();
        if (step.after() == Step.SETTLE) {
          sink.settle();
          base = kept;

          assertThat(sink.written()).isEqualTo(kept);
          assertThat(Files.readAllBytes(file)).isEqualTo(appended);
          assertThat(hex(clone(digest))).isEqualTo(sha256(appended, appended.length));
        } else if (step.after() == Step.ABANDON) {
          sink.abandon();
          kept = sink.written();
          base = kept;

          assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOf(appended, (int) kept));
          assertThat(hex(clone(digest))).isEqualTo(sha256(appended, (int) kept));
        }
      }
      sink.settle();

      assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOf(appended, (int) kept));
      assertThat(hex(digest.digest())).isEqualTo(sha256(appended, (int) kept));
    }
  }

  /**
   * A download that is being interrupted must still be able to drop its buffered bytes and read a
   * digest that matches the file; the interrupt is kept for the caller.
   */
  @Example
  void abandon_interruptedThread_waitsForTheHashAndKeepsTheInterrupt() throws Exception {
    Path file = dir.resolve("part");
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] bytes = new byte[3 * CHUNK + 77];
    new SplittableRandom(7).nextBytes(bytes);
    try (FileChannel ch = open(file);
        WriteBehind sink = new WriteBehind(digest)) {
      sink.startAt(ch, 0);
      sink.append(ByteBuffer.wrap(bytes));
      Thread.currentThread().interrupt();

      sink.abandon();

      assertThat(Thread.interrupted()).isTrue();
      assertThat(sink.written()).isEqualTo(3L * CHUNK);
      assertThat(hex(digest.digest())).isEqualTo(sha256(bytes, 3 * CHUNK));
    }
  }

  /** A stage that resumes a file continues the digest the caller built over the prefix. */
  @Example
  void startAt_prefixAlreadyHashed_appendsBehindItAndContinuesTheDigest() throws Exception {
    Path file = dir.resolve("part");
    byte[] bytes = new byte[2 * CHUNK + 5];
    new SplittableRandom(8).nextBytes(bytes);
    int prefix = CHUNK + 100;
    Files.write(file, Arrays.copyOf(bytes, prefix));
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update(bytes, 0, prefix);
    try (FileChannel ch = open(file);
        WriteBehind sink = new WriteBehind(digest)) {
      sink.startAt(ch, prefix);

      sink.append(ByteBuffer.wrap(bytes, prefix, bytes.length - prefix));
      sink.settle();

      assertThat(sink.written()).isEqualTo(bytes.length);
      assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
      assertThat(hex(digest.digest())).isEqualTo(sha256(bytes, bytes.length));
    }
  }

  private static void appendInPieces(WriteBehind sink, byte[] bytes, SplittableRandom random)
      throws Exception {
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(300_000));
      ByteBuffer piece = ByteBuffer.wrap(bytes, at, n);
      sink.append(piece);
      assertThat(piece.hasRemaining()).isFalse();
      at += n;
    }
  }

  private static FileChannel open(Path file) throws Exception {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static MessageDigest clone(MessageDigest d) throws Exception {
    return (MessageDigest) d.clone();
  }

  private static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  private static String sha256(byte[] bytes, int length) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(bytes, 0, length);
    return hex(d.digest());
  }
}
