package org.edgeota.delta.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.Sink;

/**
 * A sink wrapper that hashes and counts what passes through it, refuses bytes past the expected
 * size, and checks size and digest at the end.
 */
public final class VerifyingSink implements Sink {
  private final Sink target;
  private final long expectedSize;
  private final String expectedSha256;
  private final String what;
  private final MessageDigest digest = Digests.sha256();
  private long written;

  /**
   * Wraps a sink.
   *
   * @param target where the bytes go after hashing
   * @param expectedSize the size the output must have
   * @param expectedSha256 the lower-case hex SHA-256 the output must have
   * @param what names the output in messages, for example {@code "patched image"}
   */
  public VerifyingSink(Sink target, long expectedSize, String expectedSha256, String what) {
    this.target = target;
    this.expectedSize = expectedSize;
    this.expectedSha256 = expectedSha256;
    this.what = what;
  }

  @Override
  public void write(ByteBuffer data) {
    int n = data.remaining();
    if (n > expectedSize - written) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH,
          Long.toString(written + n),
          what + " size: expected " + expectedSize + " bytes, received at least " + (written + n));
    }
    digest.update(data.duplicate());
    target.write(data);
    written += n;
  }

  @Override
  public void abandon() {
    target.abandon();
  }

  /**
   * Returns how many bytes passed through.
   *
   * @return the byte count
   */
  public long written() {
    return written;
  }

  /**
   * Checks size and digest of everything written.
   *
   * @return the lower-case hex SHA-256 of the output, equal to the expected one
   * @throws OtaException with {@code PAYLOAD_MISMATCH} when size or digest differ
   */
  public String verify() {
    if (written != expectedSize) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH,
          Long.toString(written),
          what + " size: expected " + expectedSize + " bytes, found " + written);
    }
    String actual = Digests.hex(digest);
    if (!actual.equals(expectedSha256)) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH,
          actual,
          what + " sha256: expected " + expectedSha256 + ", found " + actual);
    }
    return actual;
  }
}
