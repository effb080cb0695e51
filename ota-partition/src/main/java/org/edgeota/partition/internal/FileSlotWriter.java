package org.edgeota.partition.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.SlotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an image into a slot file or device from offset 0, hashing inline; {@link #commit} forces
 * the bytes to the device and verifies them by reading the range back.
 *
 * <p>Note: the read-back goes through the operating system's page cache, so it proves what the
 * kernel holds after {@code fsync}, not what a later power cycle will read from a device that lies
 * about flushing.
 */
public final class FileSlotWriter implements SlotWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FileSlotWriter.class);
  private static final int READ_CHUNK = 1 << 20;

  private final Slot slot;
  private final Path target;
  private final long imageSize;
  private final FileChannel channel;
  private final MessageDigest digest;
  private long written;
  private boolean committed;
  private boolean closed;

  /**
   * Opens a slot for writing.
   *
   * @param slot the slot, for messages
   * @param target the slot's file or device
   * @param imageSize the exact number of bytes that will be written
   * @param create whether to create the file when it does not exist
   * @throws OtaException with {@code IO_ERROR} when it cannot be opened
   */
  public FileSlotWriter(Slot slot, Path target, long imageSize, boolean create) {
    this.slot = slot;
    this.target = target;
    this.imageSize = imageSize;
    this.digest = sha256();
    try {
      this.channel =
          create
              ? FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
              : FileChannel.open(target, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          target.toString(),
          "slot " + slot + ": cannot open " + target + " for writing: " + e,
          e);
    }
  }

  @Override
  public void write(ByteBuffer data) {
    ensureOpen();
    long n = data.remaining();
    if (written + n > imageSize) {
      throw new OtaException(
          ReasonCode.SLOT_TOO_SMALL,
          Long.toString(written + n),
          "slot "
              + slot
              + ": expected at most the declared image size of "
              + imageSize
              + " bytes, found "
              + (written + n)
              + " bytes written");
    }
    digest.update(data.duplicate());
    try {
      while (data.hasRemaining()) {
        written += channel.write(data, written);
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          target.toString(),
          "slot " + slot + ": write to " + target + " at " + written + " failed: " + e,
          e);
    }
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void commit(String expectedSha256) {
    ensureOpen();
    if (expectedSha256 == null || !expectedSha256.matches("[0-9a-fA-F]{64}")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          expectedSha256,
          "expected sha256: expected 64 hexadecimal digits, found '" + expectedSha256 + "'");
    }
    if (written != imageSize) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH,
          Long.toString(written),
          "slot " + slot + " image size: expected " + imageSize + " bytes, found " + written);
    }
    String streamed = HexFormat.of().formatHex(digest.digest());
    if (!streamed.equalsIgnoreCase(expectedSha256)) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH,
          streamed,
          "slot " + slot + " image sha256: expected " + expectedSha256 + ", found " + streamed);
    }
    try {
      channel.force(true);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, target.toString(), "slot " + slot + ": fsync failed: " + e, e);
    }
    String readBack = readBackDigest();
    if (!readBack.equalsIgnoreCase(expectedSha256)) {
      throw new OtaException(
          ReasonCode.SLOT_VERIFY_FAILED,
          readBack,
          "slot "
              + slot
              + " read-back sha256 of "
              + imageSize
              + " bytes: expected "
              + expectedSha256
              + ", found "
              + readBack);
    }
    committed = true;
    closeChannel();
    LOG.info("slot {} written and verified: {} bytes, sha256 {}", slot, imageSize, readBack);
  }

  @Override
  public void close() {
    if (!committed && !closed) {
      LOG.debug("slot {}: uncommitted write of {} bytes abandoned", slot, written);
    }
    closeChannel();
  }

  private String readBackDigest() {
    MessageDigest md = sha256();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_CHUNK, Math.max(imageSize, 1)));
    try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
      long pos = 0;
      while (pos < imageSize) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), imageSize - pos));
        int n = in.read(buf, pos);
        if (n < 0) {
          throw new OtaException(
              ReasonCode.SLOT_VERIFY_FAILED,
              Long.toString(pos),
              "slot " + slot + " read-back: expected " + imageSize + " bytes, found " + pos);
        }
        buf.flip();
        md.update(buf);
        pos += n;
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, target.toString(), "slot " + slot + ": read-back failed: " + e, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private void ensureOpen() {
    if (closed) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          slot.toString(),
          "slot " + slot + " writer: expected an open writer, found it closed or committed");
    }
  }

  private void closeChannel() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("slot {}: closing {} failed: {}", slot, target, e.toString());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
