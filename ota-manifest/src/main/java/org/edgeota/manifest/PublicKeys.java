package org.edgeota.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Crypto;
import org.edgeota.manifest.internal.Hex;
import org.edgeota.manifest.internal.Messages;
import org.edgeota.manifest.internal.Pem;
import org.edgeota.manifest.internal.StrictJson;

/** Reading, writing and identifying Ed25519 and ECDSA P-256 public keys. */
public final class PublicKeys {
  private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

  private PublicKeys() {}

  /**
   * Returns a key's id.
   *
   * @param key an Ed25519 or P-256 public key
   * @return lower-case hex SHA-256 of its DER SubjectPublicKeyInfo
   */
  public static String keyId(PublicKey key) {
    return Hex.sha256(key.getEncoded());
  }

  /**
   * Returns a key's signature algorithm.
   *
   * @param key the key
   * @return the algorithm
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} for another key type or curve
   */
  public static SignatureAlgorithm algorithmOf(PublicKey key) {
    return Crypto.algorithmOfPublic(key.getEncoded());
  }

  /**
   * Decodes a DER SubjectPublicKeyInfo.
   *
   * @param spki the DER bytes
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if the bytes hold no usable key
   */
  public static PublicKey fromDer(byte[] spki) {
    return Crypto.decodePublic(spki);
  }

  /**
   * Decodes a PEM public key.
   *
   * @param pem the PEM text with a {@code PUBLIC KEY} block
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if the text holds no usable key
   */
  public static PublicKey fromPem(String pem) {
    return fromDer(Pem.decode(pem, Pem.PUBLIC_KEY, "public key"));
  }

  /**
   * Reads a PEM public key file.
   *
   * @param file the file
   * @return the key
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} or {@link ReasonCode#IO_ERROR}
   */
  public static PublicKey readPem(Path file) {
    byte[] bytes = StrictJson.readCapped(file, MAX_KEY_FILE_BYTES, "public key file");
    try {
      return fromPem(new String(bytes, StandardCharsets.US_ASCII));
    } catch (OtaException e) {
      throw new OtaException(
          e.reason(), file.toString(), Messages.detail(e) + " (file '" + file + "')", e);
    }
  }

  /**
   * Returns a key as PEM text.
   *
   * @param key the key
   * @return the {@code PUBLIC KEY} PEM block
   */
  public static String toPem(PublicKey key) {
    return Pem.encode(Pem.PUBLIC_KEY, key.getEncoded());
  }

  /**
   * Writes a key as a new PEM file.
   *
   * @param key the key
   * @param file the file to create; an existing file is not overwritten
   * @throws OtaException with {@link ReasonCode#IO_ERROR} if the file exists or cannot be written
   */
  public static void writePem(PublicKey key, Path file) {
    try {
      Files.writeString(file, toPem(key), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          file.toString(),
          "public key: cannot create '" + file + "': " + e,
          e);
    }
  }
}
