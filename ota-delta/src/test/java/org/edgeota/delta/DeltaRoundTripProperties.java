package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** {@code apply(old, diff(old, new)) == new} for random and structured edits. */
class DeltaRoundTripProperties {
  private static final DeltaGenerator GENERATOR =
      DeltaGenerator.builder().maxRatio(Double.POSITIVE_INFINITY).verify(false).build();
  private static final DeltaApplier APPLIER = DeltaApplier.builder().bufferSize(4096).build();

  private static Path dir;

  @BeforeContainer
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("delta-props");
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** One structural change of an image. */
  sealed interface Edit permits Insert, Delete, Move, Overwrite {
    byte[] applyTo(byte[] b);
  }

  record Insert(int at, byte[] bytes) implements Edit {
    @Override
    public byte[] applyTo(byte[] b) {
      return Images.insert(b, b.length == 0 ? 0 : at % (b.length + 1), bytes);
    }
  }

  record Delete(int at, int len) implements Edit {
    @Override
    public byte[] applyTo(byte[] b) {
      return b.length == 0 ? b : Images.delete(b, at % b.length, len);
    }
  }

  record Move(int from, int len, int to) implements Edit {
    @Override
    public byte[] applyTo(byte[] b) {
      return b.length == 0 ? b : Images.move(b, from % b.length, len, to % b.length);
    }
  }

  record Overwrite(int at, byte[] bytes) implements Edit {
    @Override
    public byte[] applyTo(byte[] b) {
      byte[] c = b.clone();
      for (int i = 0; i < bytes.length && c.length > 0; i++) {
        int p = (at + i) % c.length;
        c[p] = bytes[i];
      }
      return c;
    }
  }

  @Property(seed = "20261204", tries = 60)
  void applyOfDiff_randomPairs_reproducesNew(
      @ForAll("smallBytes") byte[] old, @ForAll("smallBytes") byte[] neu) throws IOException {
    assertThat(roundTrip(old, neu)).isEqualTo(neu);
  }

  @Property(seed = "42", tries = 120)
  void applyOfDiff_structuredEdits_reproducesNew(
      @ForAll("images") byte[] old, @ForAll("edits") List<Edit> edits) throws IOException {
    byte[] neu = old;
    for (Edit e : edits) {
      neu = e.applyTo(neu);
    }

    byte[] out = roundTrip(old, neu);

    assertThat(out).isEqualTo(neu);
  }

  @Property(seed = "7", tries = 20)
  void applyOfDiff_identicalFiles_reproducesNew(@ForAll("images") byte[] old) throws IOException {
    assertThat(roundTrip(old, old.clone())).isEqualTo(old);
  }

  private static byte[] roundTrip(byte[] old, byte[] neu) throws IOException {
    Path oldFile = Files.write(dir.resolve("old"), old);
    Path newFile = Files.write(dir.resolve("new"), neu);
    Path patch = dir.resolve("patch");
    GENERATOR.diff(oldFile, newFile, patch);
    DeltaTestSupport.Capture out = new DeltaTestSupport.Capture();
    try (SeekableByteChannel ch = DeltaTestSupport.open(oldFile)) {
      APPLIER.apply(ch, patch, out, neu.length, DeltaTestSupport.sha256(neu));
    }
    return out.toByteArray();
  }

  @Provide
  Arbitrary<byte[]> smallBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1500);
  }

  /** Images with repetition (a small alphabet and repeated runs), so matches are found. */
  @Provide
  Arbitrary<byte[]> images() {
    Arbitrary<byte[]> plain =
        Arbitraries.bytes().between((byte) 0, (byte) 7).array(byte[].class).ofMaxSize(4000);
    return Arbitraries.oneOf(
        plain,
        Arbitraries.longs().map(seed -> Images.firmware(seed, 6000)),
        Arbitraries.just(new byte[0]));
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Integer> pos = Arbitraries.integers().between(0, 10_000);
    Arbitrary<Integer> len = Arbitraries.integers().between(1, 600);
    Arbitrary<byte[]> chunk = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
    Arbitrary<Edit> edit =
        Arbitraries.oneOf(
            Combinators.combine(pos, chunk).as(Insert::new),
            Combinators.combine(pos, len).as(Delete::new),
            Combinators.combine(pos, len, pos).as(Move::new),
            Combinators.combine(pos, chunk).as(Overwrite::new));
    return edit.list().ofMinSize(0).ofMaxSize(6);
  }
}
