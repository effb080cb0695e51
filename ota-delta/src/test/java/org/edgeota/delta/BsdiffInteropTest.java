package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.delta.DeltaTestSupport.sha256;
import static org.edgeota.delta.DeltaTestSupport.write;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with the C {@code bsdiff}/{@code bspatch} of the Debian package, both ways, byte
 * for byte, on a real pair of consecutive jar releases and on generated pairs.
 */
class BsdiffInteropTest {
  private static final DeltaGenerator GENERATOR =
      DeltaGenerator.builder().maxRatio(Double.POSITIVE_INFINITY).build();
  private static final DeltaApplier APPLIER = DeltaApplier.withDefaults();

  @TempDir Path dir;

  /** Pairs the C bsdiff can diff: it cannot map an empty file. */
  static Stream<Arguments> generatedPairsForCBsdiff() {
    return generatedPairs().filter(a -> !((String) a.get()[0]).startsWith("empty"));
  }

  static Stream<Arguments> generatedPairs() {
    byte[] fw = Images.firmware(11, 256 * 1024);
    byte[] small = Images.firmware(12, 3000);
    return Stream.of(
        Arguments.of("firmware 256 KiB with edits", fw, Images.nextRelease(fw, 5)),
        Arguments.of("small image with edits", small, Images.nextRelease(small, 6)),
        Arguments.of("identical files", small, small.clone()),
        Arguments.of("empty old file", new byte[0], small),
        Arguments.of("empty new file", small, new byte[0]),
        Arguments.of("unrelated random data", Images.firmware(1, 5000), Images.firmware(2, 7000)));
  }

  @Test
  void cPatchOfRealJarPair_appliedByUs_reproducesNewJarExactly() throws Exception {
    Path bsdiff = PeerTools.require("bsdiff");
    Path pair = PeerTools.realPairDir();
    Path patch = dir.resolve("c.patch");
    byte[] expected = Files.readAllBytes(pair.resolve("new.jar"));

    PeerTools.Result r =
        PeerTools.run(
            bsdiff.toString(),
            pair.resolve("old.jar").toString(),
            pair.resolve("new.jar").toString(),
            patch.toString());
    byte[] actual =
        DeltaTestSupport.apply(
            APPLIER, dir, Files.readAllBytes(pair.resolve("old.jar")), patch, expected);

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void ourPatchOfRealJarPair_appliedByCBspatch_reproducesNewJarExactly() throws Exception {
    Path bspatch = PeerTools.require("bspatch");
    Path pair = PeerTools.realPairDir();
    Path patch = dir.resolve("ours.patch");
    Path out = dir.resolve("out.jar");

    DeltaResult made = GENERATOR.diff(pair.resolve("old.jar"), pair.resolve("new.jar"), patch);
    PeerTools.Result r =
        PeerTools.run(
            bspatch.toString(),
            pair.resolve("old.jar").toString(),
            out.toString(),
            patch.toString());

    assertThat(made.created()).isTrue();
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(pair.resolve("new.jar")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedPairsForCBsdiff")
  void cPatchOfGeneratedPair_appliedByUs_reproducesNewFile(String name, byte[] old, byte[] neu)
      throws Exception {
    Path bsdiff = PeerTools.require("bsdiff");
    Path oldFile = write(dir, "old.bin", old);
    Path newFile = write(dir, "new.bin", neu);
    Path patch = dir.resolve("c.patch");

    PeerTools.Result r =
        PeerTools.run(bsdiff.toString(), oldFile.toString(), newFile.toString(), patch.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    Path outFile = dir.resolve("out.bin");
    try (SeekableByteChannel ch = DeltaTestSupport.open(oldFile)) {
      APPLIER.applyToFile(ch, patch, outFile, neu.length, sha256(neu));
    }

    assertThat(Files.readAllBytes(outFile)).isEqualTo(neu);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedPairs")
  void ourPatchOfGeneratedPair_appliedByCBspatch_reproducesNewFile(
      String name, byte[] old, byte[] neu) throws Exception {
    Path bspatch = PeerTools.require("bspatch");
    Path oldFile = write(dir, "old.bin", old);
    Path newFile = write(dir, "new.bin", neu);
    Path patch = dir.resolve("ours.patch");
    Path out = dir.resolve("out.bin");

    GENERATOR.diff(oldFile, newFile, patch);
    PeerTools.Result r =
        PeerTools.run(bspatch.toString(), oldFile.toString(), out.toString(), patch.toString());

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(neu);
  }

  @Test
  void handBuiltPatchReadingOutsideOldImage_matchesCBspatchOutput() throws Exception {
    Path bspatch = PeerTools.require("bspatch");
    byte[] old = {10, 20, 30, 40};
    // Seek the old position to -2, then add 8 diff bytes: positions -2, -1, 4, 5 lie outside
    // the old image and add zero, as the C tool does.
    Path patch =
        write(
            dir,
            "p.patch",
            new PatchBuilder()
                .triple(0, 0, -2)
                .triple(8, 1, 0)
                .diffBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .extraBytes(new byte[] {99})
                .build());
    Path oldFile = write(dir, "old.bin", old);
    Path cOut = dir.resolve("c-out.bin");
    byte[] expected = {1, 2, 13, 24, 35, 46, 7, 8, 99};

    PeerTools.Result r =
        PeerTools.run(bspatch.toString(), oldFile.toString(), cOut.toString(), patch.toString());
    byte[] ours = DeltaTestSupport.apply(APPLIER, dir, old, patch, expected);

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readAllBytes(cOut)).isEqualTo(expected);
    assertThat(ours).isEqualTo(expected);
  }
}
