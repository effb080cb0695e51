package org.edgeota.api.spi;

import java.nio.channels.SeekableByteChannel;
import org.edgeota.api.Slot;

/**
 * Storage for the two system slots of an A/B device: raw block devices, image files, or anything
 * else a vendor maps slots to.
 *
 * <p>Contract every implementation keeps:
 *
 * <ul>
 *   <li>It never writes the slot the device booted from. It learns that slot from the boot
 *       environment it was built with, not from the caller, and refuses with {@code SLOT_ACTIVE}.
 *   <li>It refuses an image larger than the slot with {@code SLOT_TOO_SMALL} before writing.
 *   <li>A write is hashed inline, fsynced, and verified by reading back before it counts (see
 *       {@link SlotWriter}).
 *   <li>It never marks a slot bootable: that is the {@link BootEnv}'s job, done by the agent only
 *       after verification.
 * </ul>
 */
public interface PartitionBackend {

  /**
   * Returns the slot's capacity in bytes.
   *
   * @param slot the slot
   * @return the number of bytes the slot can hold
   * @throws org.edgeota.api.OtaException with {@code IO_ERROR} when the slot cannot be opened
   */
  long capacity(Slot slot);

  /**
   * Opens a slot for reading, for example as the base image of a delta.
   *
   * @param slot the slot to read
   * @return a channel positioned at 0; the caller closes it
   * @throws org.edgeota.api.OtaException with {@code IO_ERROR}
   */
  SeekableByteChannel openForRead(Slot slot);

  /**
   * Opens the given inactive slot for writing an image of a known size.
   *
   * @param slot the slot to write; must not be the booted slot
   * @param imageSize the exact number of bytes that will be written
   * @return a writer; the caller commits or closes it
   * @throws org.edgeota.api.OtaException with {@code SLOT_ACTIVE}, {@code SLOT_TOO_SMALL} or {@code
   *     IO_ERROR}
   */
  SlotWriter openForWrite(Slot slot, long imageSize);
}
