package org.edgeota.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Crypto;
import org.edgeota.manifest.internal.Messages;
import org.edgeota.manifest.internal.Pem;
import org.edgeota.manifest.internal.StrictJson;

/**
 * A private signing key (Ed25519 or ECDSA P-256) with its public key and key id.
 *
 * <p>The key id is the lower-case hex SHA-256 of the public key's DER SubjectPublicKeyInfo. Key
 * files are PEM: the private key as PKCS#8 ({@code PRIVATE KEY}), the public key as
 * SubjectPublicKeyInfo ({@code PUBLIC KEY}). {@link #toString()} never shows the private key.
 */
public final class SigningKey {
  private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

  private final SignatureAlgorithm algorithm;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  private SigningKey(SignatureAlgorithm algorithm, KeyPair pair) {
    this.algorithm = algorithm;
    this.privateKey = pair.getPrivate();
    this.publicKey = pair.getPublic();
    this.keyId = PublicKeys.keyId(publicKey);
  }

  /**
   * Generates a new key with a strong random source.
   *
   * @param algorithm the algorithm
   * @return the new key
   */
  public static SigningKey generate(SignatureAlgorithm algorithm) {
    return generate(algorithm, new SecureRandom());
  }

  /**
   * Generates a new key with the given random source (tests use a seeded one).
   *
   * @param algorithm the algorithm
   * @param random the randomness source
   * @return the new key
   */
  public static SigningKey generate(SignatureAlgorithm algorithm, SecureRandom random) {
    Objects.requireNonNull(algorithm, "algorithm");
    return new SigningKey(algorithm, Crypto.generate(algorithm, random));
  }

  /**
   * Decodes a PKCS#8 PEM private key.
   *
   * @param pem the PEM text
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if the text holds no usable Ed25519 or
   *     P-256 private key
   */
  public static SigningKey fromPem(String pem) {
    KeyPair pair = Crypto.decodePrivate(Pem.decode(pem, Pem.PRIVATE_KEY, "private key"));
    return new SigningKey(PublicKeys.algorithmOf(pair.getPublic()), pair);
  }

  /**
   * Reads a PKCS#8 PEM private key file.
   *
   * @param file the file
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} for unusable content or {@link
   *     ReasonCode#IO_ERROR} if the file cannot be read
   */
  public static SigningKey readPem(Path file) {
    byte[] bytes = StrictJson.readCapped(file, MAX_KEY_FILE_BYTES, "private key file");
    try {
      return fromPem(new String(bytes, StandardCharsets.US_ASCII));
    } catch (OtaException e) {
      throw new OtaException(
          e.reason(), file.toString(), Messages.detail(e) + " (file '" + file + "')", e);
    }
  }

  /**
   * Returns the private key as PKCS#8 PEM text.
   *
   * @return the PEM text
   */
  public String privatePem() {
    return Pem.encode(Pem.PRIVATE_KEY, Crypto.encodePrivate(privateKey));
  }

  /**
   * Writes the private key (owner-only permissions where the file system supports them) and the
   * public key as PEM files; existing files are not overwritten.
   *
   * @param privateFile the PKCS#8 file to create
   * @param publicFile the SubjectPublicKeyInfo file to create
   *     <p>Either both files are created or neither: if the public key file exists already or
   *     cannot be written, the private key file just created is removed again.
   * @throws OtaException with {@link ReasonCode#IO_ERROR} if a file exists or cannot be written
   */
  public void writePem(Path privateFile, Path publicFile) {
    if (Files.exists(publicFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          publicFile.toString(),
          "key files: expected no file at '" + publicFile + "', found one; nothing was written");
    }
    boolean created = false;
    try {
      Files.createFile(privateFile);
      created = true;
      try {
        Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Non-POSIX file systems keep their default permissions.
      }
      Files.writeString(
          privateFile, privatePem(), StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
      PublicKeys.writePem(publicKey, publicFile);
    } catch (IOException | RuntimeException e) {
      // A private key without its public half (or a half-written one) must not stay behind.
      if (created) {
        deleteQuietly(privateFile, e);
      }
      if (e instanceof OtaException o) {
        throw o;
      }
      throw new OtaException(
          ReasonCode.IO_ERROR,
          privateFile.toString(),
          "key files: cannot create '" + privateFile + "' and '" + publicFile + "': " + e,
          e);
    }
  }

  private static void deleteQuietly(Path file, Exception failure) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Signs bytes.
   *
   * @param data the bytes
   * @return the raw signature (64 bytes for Ed25519, DER for ECDSA)
   */
  public byte[] sign(byte[] data) {
    return Crypto.sign(algorithm, privateKey, data);
  }

  /**
   * Returns the key id.
   *
   * @return lower-case hex SHA-256 of the DER SubjectPublicKeyInfo
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns the algorithm.
   *
   * @return the algorithm
   */
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * Returns the public key.
   *
   * @return the public key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Returns this key's public half as a trust store entry.
   *
   * @return the trusted key
   */
  public TrustedKey trustedKey() {
    return TrustedKey.of(publicKey);
  }

  /** Returns the algorithm and key id, never the private key. */
  @Override
  public String toString() {
    return "SigningKey[" + algorithm.wireName() + ", " + keyId + "]";
  }
}
