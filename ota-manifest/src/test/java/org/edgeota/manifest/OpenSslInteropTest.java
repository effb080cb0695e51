package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real {@code openssl} tool: keys it generates are read here, keys
 * written here are read by it, and signatures made on either side verify on the other. Skipped when
 * {@code openssl} is missing, unless {@code OTA_REQUIRE_INTEROP=1}.
 */
class OpenSslInteropTest {
  @TempDir Path dir;

  @BeforeAll
  static void requireOpenSsl() {
    boolean present;
    try {
      present = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    if (!present && "1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
      throw new AssertionError("openssl is required (OTA_REQUIRE_INTEROP=1) but not found");
    }
    Assumptions.assumeTrue(present, "openssl not installed: interop tests skipped");
  }

  private static String openssl(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    assertThat(p.exitValue()).as("openssl %s: %s", cmd, out).isZero();
    return out;
  }

  /** Has OpenSSL export k.pem's public key as k.pub.der and k.pub.pem, and writes "data". */
  private void exportPublicKeyAndWriteData() throws Exception {
    openssl(dir, "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "k.pub.der");
    openssl(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub.pem");
    Files.write(dir.resolve("data"), "signed by edgeota".getBytes(StandardCharsets.UTF_8));
  }

  /** Reads k.pem with {@link SigningKey#readPem} and writes its signature of "data" to "sig". */
  private SigningKey readPemAndSignData() throws Exception {
    SigningKey key = SigningKey.readPem(dir.resolve("k.pem"));
    Files.write(dir.resolve("sig"), key.sign(Files.readAllBytes(dir.resolve("data"))));
    return key;
  }

  private String sha256OfPublicKeyDer() throws Exception {
    return org.edgeota.manifest.internal.Hex.sha256(Files.readAllBytes(dir.resolve("k.pub.der")));
  }

  @Test
  void readPem_ed25519KeyFromOpenSsl_sameKeyIdAndOpenSslVerifiesOurSignature() throws Exception {
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
    exportPublicKeyAndWriteData();

    SigningKey key = readPemAndSignData();
    String verified =
        openssl(
            dir,
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "k.pub.pem",
            "-rawin",
            "-in",
            "data",
            "-sigfile",
            "sig");

    assertThat(key.algorithm()).isEqualTo(SignatureAlgorithm.ED25519);
    assertThat(key.keyId()).isEqualTo(sha256OfPublicKeyDer());
    assertThat(verified).contains("Signature Verified Successfully");
  }

  @Test
  void readPem_p256KeyFromOpenSsl_openSslVerifiesOurSignature() throws Exception {
    openssl(
        dir,
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-pkeyopt",
        "ec_param_enc:named_curve",
        "-out",
        "k.pem");
    exportPublicKeyAndWriteData();

    SigningKey key = readPemAndSignData();
    String verified =
        openssl(dir, "dgst", "-sha256", "-verify", "k.pub.pem", "-signature", "sig", "data");

    assertThat(key.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
    assertThat(key.keyId()).isEqualTo(sha256OfPublicKeyDer());
    assertThat(verified).contains("Verified OK");
  }

  /**
   * Regression: Ed25519 private keys were written as PKCS#8 version 2 with the public key attached
   * (BouncyCastle's default), which OpenSSL 3.0 refused to read; they are now written as version 1.
   */
  @Test
  void verifyManifest_signedByOpenSslWithOurKeyFiles_verifies() throws Exception {
    SigningKey ed = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey ec = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
    ed.writePem(dir.resolve("ed.pem"), dir.resolve("ed.pub.pem"));
    ec.writePem(dir.resolve("ec.pem"), dir.resolve("ec.pub.pem"));
    SignedManifest unsigned = SignedManifest.unsigned(release());
    Files.write(dir.resolve("canonical"), unsigned.canonicalSignedBytes());

    openssl(
        dir,
        "pkeyutl",
        "-sign",
        "-inkey",
        "ed.pem",
        "-rawin",
        "-in",
        "canonical",
        "-out",
        "ed.sig");
    openssl(dir, "dgst", "-sha256", "-sign", "ec.pem", "-out", "ec.sig", "canonical");
    SignedManifest signed =
        unsigned
            .withSignature(signature(ed, dir.resolve("ed.sig")))
            .withSignature(signature(ec, dir.resolve("ec.sig")));
    TrustStore trust = Fixtures.trust(2, ed, ec);

    assertThat(trust.verifyManifest(SignedManifest.parse(signed.toJson()), CLOCK))
        .containsExactlyInAnyOrder(ed.keyId(), ec.keyId());
  }

  private static ManifestSignature signature(SigningKey key, Path sig) throws IOException {
    return new ManifestSignature(
        key.keyId(), key.algorithm(), Base64.getEncoder().encodeToString(Files.readAllBytes(sig)));
  }
}
