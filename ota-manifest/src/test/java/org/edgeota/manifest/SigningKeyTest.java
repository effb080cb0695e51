package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Key generation, PEM files and key ids. */
class SigningKeyTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void writePem_thenReadPem_sameKeyIdAndAlgorithm(SignatureAlgorithm algorithm) {
    SigningKey key = SigningKey.generate(algorithm);
    Path priv = dir.resolve("k.pem");
    Path pub = dir.resolve("k.pub.pem");

    key.writePem(priv, pub);
    SigningKey read = SigningKey.readPem(priv);

    assertThat(read.keyId()).isEqualTo(key.keyId());
    assertThat(read.algorithm()).isEqualTo(algorithm);
    assertThat(PublicKeys.keyId(PublicKeys.readPem(pub))).isEqualTo(key.keyId());
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void keyId_isLowerHexSha256OfSubjectPublicKeyInfo(SignatureAlgorithm algorithm) throws Exception {
    SigningKey key = SigningKey.generate(algorithm);
    byte[] spki = key.publicKey().getEncoded();

    String expected =
        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(spki));

    assertThat(key.keyId()).isEqualTo(expected).matches("[0-9a-f]{64}");
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void readPem_keyFromOpenSslStylePem_readsPublicKeyWithSameId(SignatureAlgorithm algorithm) {
    SigningKey key = SigningKey.generate(algorithm);
    String pem = PublicKeys.toPem(key.publicKey()).replace("\n", "\r\n");

    String id = PublicKeys.keyId(PublicKeys.fromPem(pem));

    assertThat(id).isEqualTo(key.keyId());
  }

  @Test
  void writePem_privateKeyFile_isOwnerOnly() throws Exception {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path priv = dir.resolve("k.pem");

    key.writePem(priv, dir.resolve("k.pub.pem"));

    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
  }

  @Test
  void writePem_existingFile_throwsIoErrorAndKeepsFile() throws Exception {
    Path priv = dir.resolve("k.pem");
    Files.writeString(priv, "keep");

    assertThatThrownBy(
            () ->
                SigningKey.generate(SignatureAlgorithm.ED25519)
                    .writePem(priv, dir.resolve("k.pub.pem")))
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.IO_ERROR));
    assertThat(Files.readString(priv)).isEqualTo("keep");
  }

  /**
   * Regression: when the public key file existed already, writePem created and filled the private
   * key file first and then failed, leaving a private key whose public half was never written (and
   * an existing file, perhaps another key's, under the public name).
   */
  @Test
  void writePem_publicFileExists_writesNoPrivateKeyAndKeepsPublicFile() throws Exception {
    Path priv = dir.resolve("k.pem");
    Path pub = Files.writeString(dir.resolve("k.pub.pem"), "other key");

    assertThatThrownBy(() -> SigningKey.generate(SignatureAlgorithm.ED25519).writePem(priv, pub))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("k.pub.pem")
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.IO_ERROR));

    assertThat(priv).doesNotExist();
    assertThat(Files.readString(pub)).isEqualTo("other key");
  }

  /**
   * Regression: a public key file that could not be created (here its directory is missing) left
   * the private key file behind.
   */
  @Test
  void writePem_publicFileCannotBeCreated_removesPrivateKeyFile() {
    Path priv = dir.resolve("k.pem");
    Path pub = dir.resolve("missing-dir").resolve("k.pub.pem");

    assertThatThrownBy(
            () -> SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256).writePem(priv, pub))
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.IO_ERROR));

    assertThat(priv).doesNotExist();
  }

  @Test
  void readPem_notPem_throwsKeyInvalid() throws Exception {
    Path file = dir.resolve("bad.pem");
    Files.writeString(file, "hello");

    assertThatThrownBy(() -> SigningKey.readPem(file))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("bad.pem")
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.KEY_INVALID));
  }

  @Test
  void fromPem_p384Key_throwsKeyInvalid() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] der = g.generateKeyPair().getPrivate().getEncoded();
    String pem = org.edgeota.manifest.internal.Pem.encode("PRIVATE KEY", der);

    assertThatThrownBy(() -> SigningKey.fromPem(pem))
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.KEY_INVALID));
  }

  @Test
  void toString_neverShowsPrivateKey() {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);

    String text = key.toString();

    assertThat(text).contains(key.keyId()).doesNotContain("PRIVATE");
  }

  /** RFC 8032 section 7.1, tests 1 and 2: known Ed25519 key pairs, messages and signatures. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
        + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,"
        + "'',"
        + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
        + "39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
        + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,"
        + "72,"
        + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
        + "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
  })
  void sign_rfc8032Vectors_matchPublishedSignatures(
      String seed, String publicKey, String message, String signature) {
    HexFormat hex = HexFormat.of();
    byte[] pkcs8 = hex.parseHex("302e020100300506032b657004220420" + seed);
    SigningKey key =
        SigningKey.fromPem(org.edgeota.manifest.internal.Pem.encode("PRIVATE KEY", pkcs8));

    byte[] sig = key.sign(hex.parseHex(message));

    assertThat(hex.formatHex(key.publicKey().getEncoded()))
        .isEqualTo("302a300506032b6570032100" + publicKey);
    assertThat(hex.formatHex(sig)).isEqualTo(signature);
  }
}
