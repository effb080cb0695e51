package org.edgeota.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.SlotWriter;

/**
 * A destination for the bytes of a new image, written front to back in chunks.
 *
 * <p>Adapters exist for a {@link WritableByteChannel} ({@link #of(WritableByteChannel)}), a slot
 * ({@link #of(SlotWriter)}) and for throwing bytes away ({@link #discard()}); files are written by
 * {@link DeltaApplier#applyToFile}. A sink is never told that its bytes are good: the caller learns
 * that from the applier's or selector's result and then commits (for a slot, {@link
 * SlotWriter#commit(String)}).
 */
@FunctionalInterface
public interface Sink {

  /**
   * Writes all remaining bytes of a buffer after the bytes written before.
   *
   * @param data the bytes; its position advances to its limit
   * @throws OtaException with {@code IO_ERROR} (or the slot's own reason code) when the bytes
   *     cannot be written
   */
  void write(ByteBuffer data);

  /**
   * Gives up on the output after a failure, for example by closing an uncommitted slot writer. The
   * default does nothing.
   */
  default void abandon() {}

  /**
   * Returns a sink that writes to a channel; the channel is neither flushed nor closed.
   *
   * @param channel the channel to write to
   * @return the sink
   */
  static Sink of(WritableByteChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return data -> {
      try {
        while (data.hasRemaining()) {
          channel.write(data);
        }
      } catch (IOException e) {
        throw new OtaException(ReasonCode.IO_ERROR, null, "output channel: write failed: " + e, e);
      }
    };
  }

  /**
   * Returns a sink that writes into a slot; {@link #abandon()} closes the uncommitted writer.
   *
   * <p>Note: the sink never commits the slot; after a successful apply the caller calls {@link
   * SlotWriter#commit(String)} with the expected digest, which also reads the slot back.
   *
   * @param writer the slot writer
   * @return the sink
   */
  static Sink of(SlotWriter writer) {
    Objects.requireNonNull(writer, "writer");
    return new Sink() {
      @Override
      public void write(ByteBuffer data) {
        writer.write(data);
      }

      @Override
      public void abandon() {
        writer.close();
      }
    };
  }

  /**
   * Returns a sink that drops every byte, for checking a patch without keeping its output.
   *
   * @return the sink
   */
  static Sink discard() {
    return data -> data.position(data.limit());
  }
}
