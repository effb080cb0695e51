package org.edgeota.delta.internal;

import java.nio.charset.StandardCharsets;

/**
 * Constants and number coding of the BSDIFF40 format.
 *
 * <p>A patch is a 32-byte header (magic {@code BSDIFF40}, the compressed lengths of the control and
 * diff blocks, the size of the new file) followed by three bzip2 streams: control triples {@code
 * (x, y, z)}, diff bytes and extra bytes. Each triple adds {@code x} diff bytes to the old file at
 * the old position, copies {@code y} extra bytes, then moves the old position by {@code z}. Numbers
 * are 8 bytes little-endian in sign-and-magnitude form: bit 63 is the sign.
 */
public final class Bsdiff40 {
  /** The magic at offset 0. */
  public static final byte[] MAGIC = "BSDIFF40".getBytes(StandardCharsets.US_ASCII);

  /** Size of the fixed header in bytes. */
  public static final int HEADER_SIZE = 32;

  /** Size of one control triple in bytes. */
  public static final int TRIPLE_SIZE = 24;

  private Bsdiff40() {}

  /**
   * Decodes one number.
   *
   * @param b the bytes
   * @param off where the 8 bytes start
   * @return the value; a negative zero decodes as 0, as in the C tools
   */
  public static long decode(byte[] b, int off) {
    long magnitude = 0;
    for (int i = 7; i >= 0; i--) {
      magnitude = (magnitude << 8) | (b[off + i] & 0xff);
    }
    boolean negative = (magnitude & Long.MIN_VALUE) != 0;
    magnitude &= Long.MAX_VALUE;
    return negative ? -magnitude : magnitude;
  }

  /**
   * Encodes one number.
   *
   * @param value the value; {@link Long#MIN_VALUE} has no encoding and is refused
   * @param b the destination
   * @param off where the 8 bytes go
   */
  public static void encode(long value, byte[] b, int off) {
    if (value == Long.MIN_VALUE) {
      throw new IllegalArgumentException("Long.MIN_VALUE has no sign-magnitude form");
    }
    long v = value < 0 ? (-value) | Long.MIN_VALUE : value;
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
