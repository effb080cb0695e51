package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * Fuzzing by mutation: a valid patch with bytes flipped, cut off or inserted either still
 * reproduces the new image exactly, or fails with a typed delta error. It never throws anything
 * else and never writes more than the expected size.
 */
class MutatedPatchProperties {
  private static final List<ReasonCode> TYPED_FAILURES =
      List.of(
          ReasonCode.DELTA_CORRUPT,
          ReasonCode.DELTA_UNSUPPORTED_FORMAT,
          ReasonCode.PAYLOAD_MISMATCH);

  private static Path dir;
  private static byte[] old;
  private static byte[] neu;
  private static byte[] patch;

  @BeforeContainer
  static void makePatch() throws IOException {
    dir = Files.createTempDirectory("delta-fuzz");
    old = Images.firmware(77, 20_000);
    neu = Images.nextRelease(old, 78);
    Path p = dir.resolve("valid.patch");
    DeltaGenerator.builder()
        .maxRatio(Double.POSITIVE_INFINITY)
        .build()
        .diff(Files.write(dir.resolve("old"), old), Files.write(dir.resolve("new"), neu), p);
    patch = Files.readAllBytes(p);
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** One change to the patch bytes. */
  record Mutation(int kind, int at, byte value) {
    byte[] applyTo(byte[] p) {
      if (p.length == 0) {
        return new byte[] {value};
      }
      int i = at % p.length;
      switch (kind) {
        case 0:
          byte[] flipped = p.clone();
          flipped[i] ^= (byte) (value == 0 ? 1 : value);
          return flipped;
        case 1:
          return Arrays.copyOf(p, i);
        default:
          return Images.insert(p, i, new byte[] {value});
      }
    }
  }

  @Property(seed = "31337", tries = 400)
  void apply_mutatedPatch_reproducesNewOrFailsTyped(@ForAll("mutations") List<Mutation> ms)
      throws IOException {
    byte[] p = patch;
    for (Mutation m : ms) {
      p = m.applyTo(p);
    }
    Path file = Files.write(dir.resolve("mutated.patch"), p);
    DeltaTestSupport.Capture out = new DeltaTestSupport.Capture();

    OtaException failure = null;
    try (SeekableByteChannel ch = DeltaTestSupport.open(dir.resolve("old"))) {
      DeltaApplier.withDefaults().apply(ch, file, out, neu.length, DeltaTestSupport.sha256(neu));
    } catch (OtaException e) {
      failure = e;
    }

    assertThat(out.toByteArray().length).isLessThanOrEqualTo(neu.length);
    if (failure == null) {
      assertThat(out.toByteArray()).isEqualTo(neu);
    } else {
      assertThat(failure.reason()).isIn(TYPED_FAILURES);
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.bytes())
            .as(Mutation::new);
    Arbitrary<Mutation> header =
        Combinators.combine(
                Arbitraries.just(0), Arbitraries.integers().between(0, 31), Arbitraries.bytes())
            .as(Mutation::new);
    return Arbitraries.oneOf(one, header).list().ofMinSize(1).ofMaxSize(4);
  }
}
