package org.edgeota.api.spi;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * A stream of image bytes into an inactive slot, opened by {@link PartitionBackend}.
 *
 * <p>Bytes are hashed as they are written. {@link #commit(String)} makes the write durable and
 * proves it by reading the slot back; until it returns normally the slot must be treated as
 * garbage. Closing a writer that was not committed abandons the write.
 */
public interface SlotWriter extends Closeable {

  /**
   * Writes the remaining bytes of a buffer at the current position.
   *
   * @param data the bytes to write; its position advances to its limit
   * @throws org.edgeota.api.OtaException with {@code SLOT_TOO_SMALL} when the bytes would pass the
   *     declared image size or the slot's capacity, or {@code IO_ERROR}
   */
  void write(ByteBuffer data);

  /**
   * Returns how many bytes have been written so far.
   *
   * @return the byte count
   */
  long written();

  /**
   * Flushes and fsyncs the slot, then reads back the written range and checks its digest.
   *
   * @param expectedSha256 lower-case hex SHA-256 the image must have
   * @throws org.edgeota.api.OtaException with {@code PAYLOAD_MISMATCH} if the streamed bytes do not
   *     have the expected size or digest, {@code SLOT_VERIFY_FAILED} if the read-back differs from
   *     what was written, or {@code IO_ERROR}
   */
  void commit(String expectedSha256);

  /** Abandons an uncommitted write; a no-op after {@link #commit(String)}. */
  @Override
  void close();
}
