package org.edgeota.download.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Deterministic test payloads and their digests. */
public final class Artifacts {
  private Artifacts() {}

  /** Returns {@code size} pseudo-random bytes from a fixed seed. */
  public static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Returns the lower-case hex SHA-256 of the bytes. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns bytes {@code [from, to)}. */
  public static byte[] slice(byte[] data, int from, int to) {
    return Arrays.copyOfRange(data, from, to);
  }
}
