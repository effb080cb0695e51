package org.edgeota.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The membership function of staged rollouts.
 *
 * <p>A device's bucket in a rollout is the first 8 bytes of {@code SHA-256(rolloutId + ":" +
 * deviceId)} (UTF-8), read as an unsigned big-endian integer, modulo {@link #BUCKETS}. It depends
 * on nothing but the two ids, so it is the same after a restart, on every controller instance and
 * in every language. A stage with cutoff {@code c} reaches the devices with {@code bucket < c};
 * stages are cumulative because cutoffs only grow.
 */
public final class Buckets {

  /** Number of buckets: a resolution of 0.01 %. */
  public static final int BUCKETS = 10_000;

  private Buckets() {}

  /**
   * Returns a device's bucket in a rollout.
   *
   * @param rolloutId the rollout id
   * @param deviceId the device id
   * @return a number in {@code [0, 10000)}
   */
  public static int bucket(String rolloutId, String deviceId) {
    byte[] digest = sha256((rolloutId + ":" + deviceId).getBytes(StandardCharsets.UTF_8));
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (digest[i] & 0xffL);
    }
    return (int) Long.remainderUnsigned(value, BUCKETS);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
