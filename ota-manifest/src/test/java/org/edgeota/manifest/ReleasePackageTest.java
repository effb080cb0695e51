package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.ED_1;

import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing a release directory and checking payloads against the manifest. */
class ReleasePackageTest {
  @TempDir Path tmp;
  private Path firmware;
  private Path app;
  private Path patch;
  private Path out;

  @BeforeEach
  void payloads() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    firmware = Files.write(src.resolve("firmware-2.5.0.img"), new byte[] {1, 2, 3, 4, 5});
    app = Files.writeString(src.resolve("app-2.5.0.tar"), "application bytes");
    patch = Files.writeString(src.resolve("firmware-2.4.0-2.5.0.bsdiff"), "BSDIFF40...");
    out = tmp.resolve("release");
  }

  /** A builder of release 2.5.0, sequence 7, for device type gateway-v2, without components. */
  private static ReleasePackage.Builder gatewayRelease250() {
    return ReleasePackage.builder(CLOCK)
        .version(Version.parse("2.5.0"))
        .sequence(7)
        .expires(Fixtures.EXPIRES)
        .deviceType("gateway-v2");
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertPackRefused(
      ReleasePackage.Builder b) {
    return assertThatThrownBy(() -> b.pack(out)).isInstanceOf(OtaException.class);
  }

  private SignedManifest pack() {
    return gatewayRelease250()
        .component("firmware", Component.TYPE_FIRMWARE, firmware, 1, true)
        .delta("firmware", Version.parse("2.4.0"), "b".repeat(64), patch)
        .component("app", Component.TYPE_APPLICATION, app, 2, false)
        .pack(out);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertPayloadsRefused(SignedManifest m) {
    return assertThatThrownBy(() -> ReleasePackage.verifyPayloads(out, m))
        .isInstanceOf(OtaException.class);
  }

  @Test
  void pack_copiesPayloadsAndWritesManifestWithSizesAndDigests() throws Exception {
    SignedManifest m = pack();

    SignedManifest read = ReleasePackage.readManifest(out);
    Component fw = read.release().components().get(0);
    assertThat(read).isEqualTo(m);
    assertThat(fw.file()).isEqualTo("firmware-2.5.0.img");
    assertThat(fw.size()).isEqualTo(5);
    assertThat(fw.sha256()).isEqualTo(ReleasePackage.sha256(firmware));
    assertThat(fw.deltas().get(0).sha256()).isEqualTo(ReleasePackage.sha256(patch));
    assertThat(Files.readAllBytes(out.resolve("app-2.5.0.tar"))).isEqualTo(Files.readAllBytes(app));
    assertThat(read.release().releaseDate()).isEqualTo(Fixtures.NOW);
    assertThat(read.signatures()).isEmpty();
  }

  @Test
  void verifyPayloads_intactRelease_passes() {
    SignedManifest m = ManifestSigner.sign(pack(), ED_1);

    ReleasePackage.verifyPayloads(out, m);

    assertThat(Files.exists(out.resolve("manifest.json"))).isTrue();
  }

  @Test
  void verifyPayloads_payloadBytesChangedSameSize_throwsPayloadMismatch() throws Exception {
    SignedManifest m = ManifestSigner.sign(pack(), ED_1);
    Files.write(out.resolve("firmware-2.5.0.img"), new byte[] {1, 2, 3, 4, 6});

    assertPayloadsRefused(m)
        .hasMessageContaining("firmware-2.5.0.img")
        .hasMessageContaining("SHA-256")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));
  }

  @Test
  void verifyPayloads_payloadTruncated_throwsPayloadMismatchWithSizes() throws Exception {
    SignedManifest m = pack();
    Files.write(out.resolve("firmware-2.5.0.img"), new byte[] {1, 2});

    assertPayloadsRefused(m).hasMessageContaining("expected 5 bytes, found 2 bytes");
  }

  @Test
  void verifyPayloads_patchChanged_throwsPayloadMismatch() throws Exception {
    SignedManifest m = pack();
    Files.writeString(out.resolve("firmware-2.4.0-2.5.0.bsdiff"), "BSDIFF40..!");

    assertPayloadsRefused(m).hasMessageContaining("firmware-2.4.0-2.5.0.bsdiff");
  }

  @Test
  void verifyPayloads_payloadMissing_throwsPayloadMismatch() throws Exception {
    SignedManifest m = pack();
    Files.delete(out.resolve("app-2.5.0.tar"));

    assertPayloadsRefused(m)
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));
  }

  @Test
  void verifyPayloads_payloadReplacedBySymlinkToSameBytes_throwsPayloadMismatch() throws Exception {
    SignedManifest m = pack();
    Files.delete(out.resolve("app-2.5.0.tar"));
    Files.createSymbolicLink(out.resolve("app-2.5.0.tar"), app);

    assertPayloadsRefused(m).hasMessageContaining("no regular file");
  }

  @Test
  void pack_directoryWithManifest_throwsInvalidArgument() {
    pack();

    assertThatThrownBy(this::pack)
        .isInstanceOf(OtaException.class)
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
  }

  @Test
  void pack_deltaForUnknownComponent_throwsInvalidArgument() {
    ReleasePackage.Builder b = ReleasePackage.builder(CLOCK);

    assertThatThrownBy(() -> b.delta("nope", Version.parse("1.0.0"), "b".repeat(64), patch))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void pack_missingSequence_throwsInvalidArgument() {
    ReleasePackage.Builder b =
        ReleasePackage.builder(CLOCK)
            .version(Version.parse("1.0.0"))
            .expires(Fixtures.EXPIRES)
            .deviceType("x")
            .component("firmware", "firmware", firmware, 1, true);

    assertPackRefused(b).hasMessageContaining("sequence");
  }

  @Test
  void verifyFile_fileElsewhereWithWrongDigest_throwsPayloadMismatch() throws Exception {
    Path elsewhere = Files.write(tmp.resolve("download.part"), new byte[] {1, 2, 3, 4, 5});
    String digest = ReleasePackage.sha256(elsewhere);

    ReleasePackage.verifyFile(elsewhere, 5, digest);

    assertThatThrownBy(() -> ReleasePackage.verifyFile(elsewhere, 5, "0".repeat(64)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("download.part")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));
  }

  /**
   * Regression: a pack that failed its manifest checks (here a sequence above 2^53 - 1) left the
   * payload copies behind in a new release directory, so a half-filled release remained after a
   * failed build step.
   */
  @Test
  void pack_sequenceOutOfRange_leavesNoDirectoryBehind() {
    ReleasePackage.Builder b =
        ReleasePackage.builder(CLOCK)
            .version(Version.parse("2.5.0"))
            .sequence(1L << 53)
            .expires(Fixtures.EXPIRES)
            .deviceType("gateway-v2")
            .component("firmware", Component.TYPE_FIRMWARE, firmware, 1, true)
            .delta("firmware", Version.parse("2.4.0"), "b".repeat(64), patch);

    assertThatThrownBy(() -> b.pack(out)).isInstanceOf(OtaException.class);

    assertThat(out).doesNotExist();
  }

  /**
   * Regression: when a second payload clashed with the first one's file name, the first payload's
   * copy stayed in the (existing) output directory; only files the failed pack created are removed,
   * files that were there before stay.
   */
  @Test
  void pack_duplicateFileNameInExistingDirectory_removesOnlyItsOwnCopies() throws Exception {
    Files.createDirectories(out);
    Path before = Files.writeString(out.resolve("notes.txt"), "kept");
    Path other = Files.createDirectories(tmp.resolve("other"));
    Path clash = Files.writeString(other.resolve("firmware-2.5.0.img"), "another image");
    ReleasePackage.Builder b =
        gatewayRelease250()
            .component("firmware", Component.TYPE_FIRMWARE, firmware, 1, true)
            .component("recovery", Component.TYPE_FIRMWARE, clash, 2, true);

    assertPackRefused(b).hasMessageContaining("firmware-2.5.0.img");

    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(before);
    }
  }

  /** Regression: a sequence of 0 was refused with "found none" instead of naming the value. */
  @Test
  void pack_sequenceZero_messageNamesTheValue() {
    ReleasePackage.Builder b =
        ReleasePackage.builder(CLOCK)
            .version(Version.parse("1.0.0"))
            .sequence(0)
            .expires(Fixtures.EXPIRES)
            .deviceType("x")
            .component("firmware", "firmware", firmware, 1, true);

    assertPackRefused(b)
        .hasMessageContaining("sequence")
        .hasMessageContaining("found 0")
        .satisfies(e -> assertThat(((OtaException) e).offendingValue()).isEqualTo("0"));
  }

  /**
   * Regression: a payload file that does not exist was refused as INVALID_ARGUMENT, so {@code ota
   * pack} exited 2 where every other command exits 4 (I/O) for a missing input file; a directory
   * given as payload stays invalid input.
   */
  @Test
  void pack_payloadMissing_throwsIoErrorAndLeavesNoDirectory() {
    Path missing = tmp.resolve("src").resolve("nope.img");
    ReleasePackage.Builder b =
        gatewayRelease250().component("firmware", Component.TYPE_FIRMWARE, missing, 1, true);

    assertPackRefused(b)
        .hasMessageContaining("nope.img")
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.IO_ERROR));

    assertThat(out).doesNotExist();
  }

  @Test
  void pack_payloadIsDirectory_throwsInvalidArgument() {
    ReleasePackage.Builder b =
        gatewayRelease250()
            .component("firmware", Component.TYPE_FIRMWARE, tmp.resolve("src"), 1, true);

    assertPackRefused(b)
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
  }
}
