package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The release commands run end to end on temporary directories: keygen, trust, pack, sign, verify,
 * inspect.
 */
class ReleaseCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private StringWriter out;
  private StringWriter err;
  private Path keys;
  private Path trust;
  private Path release;
  private Path firmware;
  private Path oldFirmware;
  private Path app;
  private Path patch;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = OtaCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private String key(String name) {
    return keys.resolve(name + ".pem").toString();
  }

  private String pub(String name) {
    return keys.resolve(name + ".pub.pem").toString();
  }

  @BeforeEach
  void setUp() throws Exception {
    keys = tmp.resolve("keys");
    trust = tmp.resolve("trust.json");
    release = tmp.resolve("release");
    Path src = Files.createDirectories(tmp.resolve("src"));
    firmware = Files.write(src.resolve("rootfs-2.5.0.img"), new byte[] {1, 2, 3, 4, 5, 6});
    oldFirmware = Files.write(src.resolve("rootfs-2.4.0.img"), new byte[] {1, 2, 3, 4, 5, 0});
    app = Files.writeString(src.resolve("app-2.5.0.tar"), "app");
    patch = src.resolve("rootfs-2.4.0-2.5.0.bsdiff");
    DeltaGenerator.builder()
        .maxRatio(Double.POSITIVE_INFINITY)
        .build()
        .diff(oldFirmware, firmware, patch);
    assertThat(run("keygen", "--algorithm", "ed25519", "--out", keys.toString(), "--name", "a"))
        .isZero();
    assertThat(run("keygen", "--algorithm", "p256", "--out", keys.toString(), "--name", "b"))
        .isZero();
    assertThat(run("keygen", "--algorithm", "ed25519", "--out", keys.toString(), "--name", "c"))
        .isZero();
    assertThat(
            run(
                "trust",
                "init",
                "--key",
                pub("a"),
                "--key",
                pub("b"),
                "--threshold",
                "2",
                "--sign-key",
                key("a"),
                "--sign-key",
                key("b"),
                "--out",
                trust.toString()))
        .isZero();
  }

  private int pack(String... extra) {
    String[] base = {
      "pack",
      "--version",
      "2.5.0",
      "--sequence",
      "12",
      "--device-type",
      "gateway-v2",
      "--min-agent-version",
      "1.2.0",
      "--component",
      "rootfs=firmware:" + firmware,
      "--component",
      "app=application:" + app + ":5:noreboot",
      "--delta",
      "rootfs=2.4.0:" + oldFirmware + ":" + patch,
      "--out",
      release.toString()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  private int signBoth() {
    return run("sign", "--key", key("a"), "--key", key("b"), release.toString());
  }

  @Test
  void packSignVerify_fullRelease_exitsZeroAndNamesSigners() throws Exception {
    int packed = pack();
    int signed = signBoth();
    int verified =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--installed-version",
            "2.4.0",
            "--installed-sequence",
            "11",
            "--device-type",
            "gateway-v2",
            "--agent-version",
            "1.2.0",
            release.toString());

    SignedManifest m = ReleasePackage.readManifest(release);
    assertThat(packed).isZero();
    assertThat(signed).isZero();
    assertThat(verified).as(err.toString()).isZero();
    assertThat(out.toString()).contains("OK").contains("2.5.0");
    assertThat(m.signatures()).hasSize(2);
    assertThat(m.release().components().get(0).rebootRequired()).isTrue();
    assertThat(m.release().components().get(1).installOrder()).isEqualTo(5);
    assertThat(m.release().components().get(0).deltas().get(0).fromSha256())
        .isEqualTo(ReleasePackage.sha256(oldFirmware));
  }

  @Test
  void pack_deltaBaseGivenAsDigest_usesDigest() throws Exception {
    String digest = "ab".repeat(32);

    int packed =
        run(
            "pack",
            "--version",
            "1.0.0",
            "--sequence",
            "1",
            "--device-type",
            "x",
            "--component",
            "rootfs=firmware:" + firmware,
            "--delta",
            "rootfs=0.9.0:" + digest + ":" + patch,
            "--out",
            release.toString());

    assertThat(packed).isZero();
    assertThat(
            ReleasePackage.readManifest(release)
                .release()
                .components()
                .get(0)
                .deltas()
                .get(0)
                .fromSha256())
        .isEqualTo(digest);
  }

  /**
   * Regression: a delta BASE digest in upper case was taken for a file name, so pack failed with
   * "cannot read: NoSuchFileException: ABAB..." (exit 4) instead of using the digest, while 'ota
   * delta apply' accepts upper-case digests.
   */
  @Test
  void pack_deltaBaseDigestInUpperCase_usesLowerCaseDigest() throws Exception {
    String digest = "AB".repeat(32);

    int packed =
        run(
            "pack",
            "--version",
            "1.0.0",
            "--sequence",
            "1",
            "--device-type",
            "x",
            "--component",
            "rootfs=firmware:" + firmware,
            "--delta",
            "rootfs=0.9.0:" + digest + ":" + patch,
            "--out",
            release.toString());

    assertThat(packed).as(err.toString()).isZero();
    assertThat(
            ReleasePackage.readManifest(release)
                .release()
                .components()
                .get(0)
                .deltas()
                .get(0)
                .fromSha256())
        .isEqualTo("ab".repeat(32));
  }

  /**
   * Regression: pack accepted a patch that does not turn the given BASE image into the payload
   * (here a patch between two other images), so a release carried a delta every device would
   * download only to fall back to the full payload.
   */
  @Test
  void pack_patchNotGivingPayloadFromBase_exitsTwoAndLeavesNoRelease() throws Exception {
    Path other = Files.write(tmp.resolve("src").resolve("other.img"), new byte[] {9, 9, 9, 9});
    Path wrongPatch = tmp.resolve("src").resolve("wrong.bsdiff");
    DeltaGenerator.builder()
        .maxRatio(Double.POSITIVE_INFINITY)
        .build()
        .diff(oldFirmware, other, wrongPatch);

    int status =
        run(
            "pack",
            "--version",
            "2.5.0",
            "--sequence",
            "3",
            "--device-type",
            "x",
            "--component",
            "rootfs=firmware:" + firmware,
            "--delta",
            "rootfs=2.4.0:" + oldFirmware + ":" + wrongPatch,
            "--out",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("--delta rootfs").contains("wrong.bsdiff");
    assertThat(release).doesNotExist();
  }

  @Test
  void verify_unsignedRelease_exitsThreeWithSignatureMissing() {
    pack();

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("SIGNATURE_MISSING");
  }

  @Test
  void verify_signedByOneOfTwoRequiredKeys_exitsThreeWithThresholdNotMet() {
    pack();
    run("sign", "--key", key("a"), release.toString());

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("SIGNATURE_THRESHOLD_NOT_MET");
  }

  @Test
  void verify_signedByUntrustedKeys_exitsThreeWithKeyUnknown() {
    pack();
    run("sign", "--key", key("c"), release.toString());

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("KEY_UNKNOWN");
  }

  @Test
  void verify_manifestFieldChangedAfterSigning_exitsThreeWithSignatureInvalid() throws Exception {
    pack();
    signBoth();
    Path manifest = release.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    root.put("sequence", 13);
    Files.write(manifest, JSON.writeValueAsBytes(root));

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("SIGNATURE_INVALID");
  }

  @Test
  void verify_payloadChangedAfterSigning_exitsThreeWithPayloadMismatch() throws Exception {
    pack();
    signBoth();
    Files.write(release.resolve("rootfs-2.5.0.img"), new byte[] {6, 5, 4, 3, 2, 1});

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("PAYLOAD_MISMATCH").contains("rootfs-2.5.0.img");
  }

  @Test
  void sign_payloadChangedBeforeSigning_exitsThreeAndSignsNothing() throws Exception {
    pack();
    Files.writeString(release.resolve("app-2.5.0.tar"), "evil");

    int status = run("sign", "--key", key("a"), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(ReleasePackage.readManifest(release).signatures()).isEmpty();
  }

  @Test
  void verify_sequenceNotHigher_exitsThreeNamingValue() {
    pack();
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--installed-sequence",
            "12",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("SEQUENCE_NOT_HIGHER").contains("12");
  }

  @Test
  void verify_olderVersionWithoutDowngrade_exitsThree() {
    pack();
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--installed-version",
            "3.0.0",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("VERSION_DOWNGRADE").contains("2.5.0");
  }

  @Test
  void verify_olderVersionWithDowngradeFlag_exitsZero() {
    pack("--downgrade");
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--installed-version",
            "3.0.0",
            "--installed-sequence",
            "11",
            release.toString());

    assertThat(status).as(err.toString()).isZero();
  }

  @Test
  void verify_wrongDeviceTypeAndOldAgent_exitsThreeNamingBoth() {
    pack();
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--device-type",
            "camera",
            "--agent-version",
            "1.0.0",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString())
        .contains("DEVICE_TYPE_MISMATCH")
        .contains("camera")
        .contains("minAgentVersion");
  }

  @Test
  void verify_afterExpiry_exitsThreeWithManifestExpired() {
    pack("--expires", "2027-01-01T00:00:00Z");
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--now",
            "2027-01-02T00:00:00Z",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("MANIFEST_EXPIRED");
  }

  /**
   * Regression: a valid release checked against a trust store that had expired exited with 2
   * ("invalid input: malformed manifest or trust store") although nothing was malformed; expiry is
   * a failed verification (3), as for an expired manifest.
   */
  @Test
  void verify_trustStoreExpired_exitsThreeWithTrustStoreInvalid() {
    pack("--expires", "2099-01-01T00:00:00Z");
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--now",
            "2098-01-01T00:00:00Z",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("TRUST_STORE_INVALID").contains("expired");
  }

  /**
   * Regression: {@code --installed-sequence -5} was accepted and the release reported OK, as if the
   * device had accepted nothing yet; a negative sequence is invalid input.
   */
  @Test
  void verify_negativeInstalledSequence_exitsTwoNamingValue() {
    pack();
    signBoth();

    int status =
        run(
            "verify",
            "--trust",
            trust.toString(),
            "--installed-sequence",
            "-5",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("INVALID_ARGUMENT").contains("-5");
    assertThat(out.toString()).doesNotContain("OK");
  }

  @Test
  void verify_malformedManifest_exitsTwo() throws Exception {
    pack();
    signBoth();
    Files.writeString(release.resolve("manifest.json"), "{\"version\":\"1.0.0\",\"version\":1}");

    int status = run("verify", "--trust", trust.toString(), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("MANIFEST_MALFORMED");
  }

  @Test
  void inspect_summary_showsFieldsAndWarnsSignaturesUnverified() {
    pack();
    signBoth();

    int status = run("inspect", release.toString());

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("NOT verified")
        .contains("2.5.0")
        .contains("rootfs-2.5.0.img")
        .contains("delta from 2.4.0")
        .contains("ed25519")
        .contains("ecdsa-p256-sha256");
  }

  @Test
  void inspect_json_printsManifestThatParsesToSameContent() {
    pack();
    signBoth();

    int status = run("inspect", "--json", release.toString());

    assertThat(status).isZero();
    assertThat(SignedManifest.parse(out.toString().getBytes()))
        .isEqualTo(ReleasePackage.readManifest(release));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rootfs",
        "rootfs=firmware",
        "=firmware:x.img",
        "rootfs=firmware:x.img:first",
        "rootfs=firmware:x.img:1:maybe"
      })
  void pack_malformedComponentSpec_exitsTwo(String spec) {
    int status =
        run(
            "pack",
            "--version",
            "1.0.0",
            "--sequence",
            "1",
            "--device-type",
            "x",
            "--component",
            spec,
            "--out",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("--component");
  }

  @Test
  void pack_malformedDeltaSpec_exitsTwo() {
    int status =
        run(
            "pack",
            "--version",
            "1.0.0",
            "--sequence",
            "1",
            "--device-type",
            "x",
            "--component",
            "rootfs=firmware:" + firmware,
            "--delta",
            "rootfs=1.0.0:" + patch,
            "--out",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("--delta");
  }

  @Test
  void pack_invalidVersion_exitsTwoNamingValue() {
    int status =
        run(
            "pack",
            "--version",
            "2.5",
            "--sequence",
            "1",
            "--device-type",
            "x",
            "--component",
            "rootfs=firmware:" + firmware,
            "--out",
            release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("2.5");
  }

  @Test
  void pack_missingRequiredOption_exitsTwo() {
    int status = run("pack", "--version", "1.0.0", "--out", release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "keygen",
        "trust",
        "trust init",
        "trust add",
        "trust rotate",
        "pack",
        "sign",
        "verify",
        "inspect"
      })
  void help_everyCommand_printsUsageAndExitsZero(String command) {
    String[] args = (command + " --help").split(" ");

    int status = run(args);

    assertThat(status).isZero();
    assertThat(out.toString()).contains("Usage: ota " + command).contains("--help");
  }
}
