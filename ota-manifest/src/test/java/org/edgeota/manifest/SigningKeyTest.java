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
}
