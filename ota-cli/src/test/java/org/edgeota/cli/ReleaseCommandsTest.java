package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The release commands run end to end on temporary directories: keygen, trust, pack, sign, verify,
 * inspect.
 */
class ReleaseCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private CliRun cli;
  private Path trust;
  private Path release;
  private Path firmware;
  private Path oldFirmware;
  private Path app;
  private Path patch;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliRun(tmp.resolve("keys"));
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
    assertThat(cli.keygen("ed25519", "a")).isZero();
    assertThat(cli.keygen("p256", "b")).isZero();
    assertThat(cli.keygen("ed25519", "c")).isZero();
    assertThat(cli.initTrustOfTwo("a", "b", trust)).isZero();
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
    return cli.run(CliRun.concat(base, extra));
  }

  private int signBoth() {
    return cli.run("sign", "--key", cli.key("a"), "--key", cli.key("b"), release.toString());
  }

  private int verify(String... options) {
    return cli.run(
        CliRun.concat(
            CliRun.concat(new String[] {"verify", "--trust", trust.toString()}, options),
            release.toString()));
  }

  /** Runs {@code ota pack} of one firmware component for device type x, as version and sequence. */
  private int packFirmware(String version, String sequence, String... options) {
    String[] base = {
      "pack",
      "--version",
      version,
      "--sequence",
      sequence,
      "--device-type",
      "x",
      "--component",
      "rootfs=firmware:" + firmware,
    };
    return cli.run(CliRun.concat(CliRun.concat(base, options), "--out", release.toString()));
  }

  @Test
  void packSignVerify_fullRelease_exitsZeroAndNamesSigners() throws Exception {
    int packed = pack();
    int signed = signBoth();
    int verified =
        verify(
            "--installed-version",
            "2.4.0",
            "--installed-sequence",
            "11",
            "--device-type",
            "gateway-v2",
            "--agent-version",
            "1.2.0");

    SignedManifest m = ReleasePackage.readManifest(release);
    assertThat(packed).isZero();
    assertThat(signed).isZero();
    assertThat(verified).as(cli.err()).isZero();
    assertThat(cli.out()).contains("OK").contains("2.5.0");
    assertThat(m.signatures()).hasSize(2);
    assertThat(m.release().components().get(0).rebootRequired()).isTrue();
    assertThat(m.release().components().get(1).installOrder()).isEqualTo(5);
    assertThat(m.release().components().get(0).deltas().get(0).fromSha256())
        .isEqualTo(ReleasePackage.sha256(oldFirmware));
  }

  @Test
  void pack_deltaBaseGivenAsDigest_usesDigest() throws Exception {
    String digest = "ab".repeat(32);

    int packed = packFirmware("1.0.0", "1", "--delta", "rootfs=0.9.0:" + digest + ":" + patch);

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

    int packed = packFirmware("1.0.0", "1", "--delta", "rootfs=0.9.0:" + digest + ":" + patch);

    assertThat(packed).as(cli.err()).isZero();
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
        packFirmware("2.5.0", "3", "--delta", "rootfs=2.4.0:" + oldFirmware + ":" + wrongPatch);

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("--delta rootfs").contains("wrong.bsdiff");
    assertThat(release).doesNotExist();
  }

  @Test
  void verify_unsignedRelease_exitsThreeWithSignatureMissing() {
    pack();

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("SIGNATURE_MISSING");
  }

  @Test
  void verify_signedByOneOfTwoRequiredKeys_exitsThreeWithThresholdNotMet() {
    pack();
    cli.run("sign", "--key", cli.key("a"), release.toString());

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("SIGNATURE_THRESHOLD_NOT_MET");
  }

  @Test
  void verify_signedByUntrustedKeys_exitsThreeWithKeyUnknown() {
    pack();
    cli.run("sign", "--key", cli.key("c"), release.toString());

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("KEY_UNKNOWN");
  }

  @Test
  void verify_manifestFieldChangedAfterSigning_exitsThreeWithSignatureInvalid() throws Exception {
    pack();
    signBoth();
    Path manifest = release.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    root.put("sequence", 13);
    Files.write(manifest, JSON.writeValueAsBytes(root));

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("SIGNATURE_INVALID");
  }

  @Test
  void verify_payloadChangedAfterSigning_exitsThreeWithPayloadMismatch() throws Exception {
    pack();
    signBoth();
    Files.write(release.resolve("rootfs-2.5.0.img"), new byte[] {6, 5, 4, 3, 2, 1});

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("PAYLOAD_MISMATCH").contains("rootfs-2.5.0.img");
  }

  @Test
  void sign_payloadChangedBeforeSigning_exitsThreeAndSignsNothing() throws Exception {
    pack();
    Files.writeString(release.resolve("app-2.5.0.tar"), "evil");

    int status = cli.run("sign", "--key", cli.key("a"), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(ReleasePackage.readManifest(release).signatures()).isEmpty();
  }

  /** Changes the signed sequence of the release's manifest, keeping its signatures. */
  private void editManifest() throws Exception {
    Path manifest = release.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    root.put("sequence", 13);
    Files.write(manifest, JSON.writeValueAsBytes(root));
  }

  /**
   * Regression: {@code ota sign} kept a signature that no longer verified after the manifest had
   * been edited, so the re-signed release carried a stale signature that only {@code ota verify}
   * noticed.
   */
  @Test
  void sign_manifestEditedAfterSigning_dropsStaleSignatureAndNewOneVerifies() throws Exception {
    pack();
    cli.run("sign", "--key", cli.key("a"), release.toString());
    editManifest();
    Path trustOfB = tmp.resolve("trust-b.json");
    cli.run(
        "trust",
        "init",
        "--key",
        cli.pub("b"),
        "--threshold",
        "1",
        "--sign-key",
        cli.key("b"),
        "--out",
        trustOfB.toString());

    int status =
        cli.run("sign", "--key", cli.key("b"), "--trust", trust.toString(), release.toString());
    String err = cli.err();
    int verified = cli.run("verify", "--trust", trustOfB.toString(), release.toString());

    assertThat(status).as(err).isZero();
    assertThat(err).contains("dropped signature by " + cli.keyId("a")).contains("not verify");
    assertThat(ReleasePackage.readManifest(release).signatures())
        .extracting(s -> s.keyId())
        .containsExactly(cli.keyId("b"));
    assertThat(verified).as(cli.err()).isZero();
  }

  @Test
  void sign_staleSignatureByKeyNotGiven_isKeptAndReported() throws Exception {
    pack();
    cli.run("sign", "--key", cli.key("c"), release.toString());
    editManifest();

    int status = cli.run("sign", "--key", cli.key("a"), release.toString());

    assertThat(status).as(cli.err()).isZero();
    assertThat(cli.err()).contains("kept signature by " + cli.keyId("c")).contains("cannot check");
    assertThat(ReleasePackage.readManifest(release).signatures())
        .extracting(s -> s.keyId())
        .containsExactly(cli.keyId("c"), cli.keyId("a"));
  }

  @Test
  void sign_signatureOfUnknownAlgorithm_isKeptAndReported() throws Exception {
    pack();
    signBoth();
    Path manifest = release.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    root.withArray("signatures")
        .addObject()
        .put("keyId", cli.keyId("c"))
        .put("algorithm", "ml-dsa-65")
        .put("value", "AAAA");
    Files.write(manifest, JSON.writeValueAsBytes(root));

    int status =
        cli.run("sign", "--key", cli.key("a"), "--trust", trust.toString(), release.toString());
    String err = cli.err();
    int verified = verify();

    assertThat(status).as(err).isZero();
    assertThat(err).contains("kept signature by " + cli.keyId("c") + " (ml-dsa-65)");
    assertThat(ReleasePackage.readManifest(release).unverifiableSignatures()).hasSize(1);
    assertThat(verified).as(cli.err()).isZero();
  }

  /**
   * A manifest carrying 64 signatures it could not check got one more and was written with 65,
   * which every parser of this version then refused: sign must refuse before writing.
   */
  @Test
  void sign_resultWouldExceedTheSignatureLimit_exitsTwoAndLeavesTheManifest() throws Exception {
    pack();
    Path manifest = release.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    ArrayNode signatures = root.putArray("signatures");
    for (int i = 0; i < 64; i++) {
      signatures
          .addObject()
          .put("keyId", String.format(java.util.Locale.ROOT, "%064x", i))
          .put("algorithm", "ml-dsa-65")
          .put("value", "AAAA");
    }
    Files.write(manifest, JSON.writeValueAsBytes(root));
    byte[] before = Files.readAllBytes(manifest);

    int status = cli.run("sign", "--key", cli.key("a"), release.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("not written").contains("65");
    assertThat(Files.readAllBytes(manifest)).isEqualTo(before);
  }

  @Test
  void sign_sameKeyTwice_signsAndReportsOnce() {
    pack();

    int status = cli.run("sign", "--key", cli.key("a"), "--key", cli.key("a"), release.toString());

    assertThat(status).as(cli.err()).isZero();
    assertThat(cli.out().lines().filter(l -> l.startsWith("signed by"))).hasSize(1);
  }

  /** A release signed by both trusted keys, verified against a device it does not fit. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("releasesNotFittingTheDevice")
  void verify_signedReleaseNotFittingDevice_exitsThreeNamingReason(
      String[] packOptions, String[] verifyOptions, String[] errorNames) {
    pack(packOptions);
    signBoth();

    int status = verify(verifyOptions);

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains(errorNames);
  }

  static Stream<Arguments> releasesNotFittingTheDevice() {
    return Stream.of(
        Arguments.of(
            Named.of("verify_sequenceNotHigher_exitsThreeNamingValue", new String[] {}),
            new String[] {"--installed-sequence", "12"},
            new String[] {"SEQUENCE_NOT_HIGHER", "12"}),
        Arguments.of(
            Named.of("verify_olderVersionWithoutDowngrade_exitsThree", new String[] {}),
            new String[] {"--installed-version", "3.0.0"},
            new String[] {"VERSION_DOWNGRADE", "2.5.0"}),
        Arguments.of(
            Named.of("verify_wrongDeviceTypeAndOldAgent_exitsThreeNamingBoth", new String[] {}),
            new String[] {"--device-type", "camera", "--agent-version", "1.0.0"},
            new String[] {"DEVICE_TYPE_MISMATCH", "camera", "minAgentVersion"}),
        Arguments.of(
            Named.of(
                "verify_afterExpiry_exitsThreeWithManifestExpired",
                new String[] {"--expires", "2027-01-01T00:00:00Z"}),
            new String[] {"--now", "2027-01-02T00:00:00Z"},
            new String[] {"MANIFEST_EXPIRED"}));
  }

  @Test
  void verify_olderVersionWithDowngradeFlag_exitsZero() {
    pack("--downgrade");
    signBoth();

    int status = verify("--installed-version", "3.0.0", "--installed-sequence", "11");

    assertThat(status).as(cli.err()).isZero();
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

    int status = verify("--now", "2098-01-01T00:00:00Z");

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("TRUST_STORE_INVALID").contains("expired");
  }

  /**
   * Regression: {@code --installed-sequence -5} was accepted and the release reported OK, as if the
   * device had accepted nothing yet; a negative sequence is invalid input.
   */
  @Test
  void verify_negativeInstalledSequence_exitsTwoNamingValue() {
    pack();
    signBoth();

    int status = verify("--installed-sequence", "-5");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("INVALID_ARGUMENT").contains("-5");
    assertThat(cli.out()).doesNotContain("OK");
  }

  @Test
  void verify_malformedManifest_exitsTwo() throws Exception {
    pack();
    signBoth();
    Files.writeString(release.resolve("manifest.json"), "{\"version\":\"1.0.0\",\"version\":1}");

    int status = verify();

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("MANIFEST_MALFORMED");
  }

  @Test
  void inspect_summary_showsFieldsAndWarnsSignaturesUnverified() {
    pack();
    signBoth();

    int status = cli.run("inspect", release.toString());

    assertThat(status).isZero();
    assertThat(cli.out())
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

    int status = cli.run("inspect", "--json", release.toString());

    assertThat(status).isZero();
    assertThat(SignedManifest.parse(cli.out().getBytes()))
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
        cli.run(
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
    assertThat(cli.err()).contains("--component");
  }

  @Test
  void pack_malformedDeltaSpec_exitsTwo() {
    int status = packFirmware("1.0.0", "1", "--delta", "rootfs=1.0.0:" + patch);

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("--delta");
  }

  @Test
  void pack_invalidVersion_exitsTwoNamingValue() {
    int status = packFirmware("2.5", "1");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("2.5");
  }

  @Test
  void pack_missingRequiredOption_exitsTwo() {
    int status = cli.run("pack", "--version", "1.0.0", "--out", release.toString());

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

    int status = cli.run(args);

    assertThat(status).isZero();
    assertThat(cli.out()).contains("Usage: ota " + command).contains("--help");
  }

  /** Regression: 'ota pack' had no -V, unlike every other command. */
  @Test
  void version_pack_printsTheToolVersion() {
    int status = cli.run("pack", "-V");

    assertThat(status).isZero();
    assertThat(cli.out()).startsWith("ota ");
  }
}
