package org.edgeota.delta.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** SHA-256 helpers shared by the delta classes. */
public final class Digests {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final int CHUNK = 64 * 1024;

  private Digests() {}

  /**
   * Returns a fresh SHA-256 digest.
   *
   * @return the digest
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  /**
   * Returns the lower-case hex form of a digest's result.
   *
   * @param digest the digest to finish
   * @return 64 lower-case hex characters
   */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Checks that a value is a lower-case hex SHA-256.
   *
   * @param field the name of the argument, for the message
   * @param value the value to check
   * @return the value
   * @throws OtaException with {@code INVALID_ARGUMENT} when it is not 64 lower-case hex characters
   */
  public static String requireSha256(String field, String value) {
    if (value == null || !SHA256_HEX.matcher(value).matches()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          value,
          field + ": expected 64 lower-case hex characters, found '" + value + "'");
    }
    return value;
  }

  /**
   * Hashes the first {@code size} bytes of a channel, reading from position 0.
   *
   * @param channel the channel to read; its position is changed
   * @param size how many bytes to hash
   * @return the lower-case hex SHA-256
   * @throws OtaException with {@code IO_ERROR} when the channel cannot be read or ends early
   */
  public static String sha256Of(SeekableByteChannel channel, long size) {
    MessageDigest md = sha256();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long done = 0;
    try {
      channel.position(0);
      while (done < size) {
        buf.clear().limit((int) Math.min(CHUNK, size - done));
        int n = channel.read(buf);
        if (n < 0) {
          throw new OtaException(
              ReasonCode.IO_ERROR,
              Long.toString(done),
              "installed image: expected " + size + " bytes, channel ended at " + done);
        }
        buf.flip();
        md.update(buf);
        done += n;
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, null, "installed image: read failed at " + done + ": " + e, e);
    }
    return hex(md);
  }
}
