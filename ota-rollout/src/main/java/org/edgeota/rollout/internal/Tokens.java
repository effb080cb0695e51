package org.edgeota.rollout.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer tokens: generated with 256 random bits, stored only as their SHA-256 (a fast hash is
 * enough because the tokens are random, not chosen by people), compared in constant time.
 */
public final class Tokens {
  private Tokens() {}

  /**
   * Returns a new random token.
   *
   * @param random the source of randomness
   * @return 43 characters of base64url
   */
  public static String generate(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Returns the stored form of a token.
   *
   * @param token the token
   * @return lower-case hex SHA-256 of its UTF-8 bytes
   */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Tells whether a presented token matches a stored hash, in time independent of where they
   * differ.
   *
   * @param token the presented token, or {@code null}
   * @param storedHash the stored hash
   * @return whether they match
   */
  public static boolean matches(String token, String storedHash) {
    if (token == null || storedHash == null) {
      return false;
    }
    return MessageDigest.isEqual(
        hash(token).getBytes(StandardCharsets.US_ASCII),
        storedHash.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
