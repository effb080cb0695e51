package org.edgeota.manifest.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Lower-case hex and SHA-256 helpers. */
public final class Hex {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Hex() {}

  /**
   * Returns the lower-case hex SHA-256 of bytes.
   *
   * @param bytes the input
   * @return 64 lower-case hex characters
   */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  /**
   * Returns a new SHA-256 digest.
   *
   * @return the digest
   */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /**
   * Tells whether text is a lower-case hex SHA-256 digest.
   *
   * @param text the text, may be {@code null}
   * @return {@code true} for exactly 64 lower-case hex characters
   */
  public static boolean isSha256(String text) {
    return text != null && SHA256_HEX.matcher(text).matches();
  }
}
