package org.edgeota.partition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.partition.internal.FileSlots;

/**
 * A/B slots kept in two image files (for example loop-mounted root file systems, or the slots of a
 * simulated device).
 *
 * <p>A slot's capacity is either the size of its pre-allocated file ({@link #preallocated}) or a
 * declared number of bytes ({@link #withCapacity}; the file is created on first write). Images are
 * written from offset 0; bytes after the image are left as they were.
 */
public final class ImageFileSlots extends FileSlotsBackend {
  private ImageFileSlots(FileSlots slots) {
    super(slots);
  }

  /**
   * Returns slots whose capacity is the current size of their pre-allocated files.
   *
   * @param files the image file of each slot
   * @param bootedSlot tells the slot the device booted from; it is never written
   * @return the backend
   */
  public static ImageFileSlots preallocated(Map<Slot, Path> files, Supplier<Slot> bootedSlot) {
    return new ImageFileSlots(
        new FileSlots(files, bootedOnly(bootedSlot), false, s -> fileSize(files, s)));
  }

  /**
   * Returns slots whose capacity is the current size of their pre-allocated files, protected by a
   * boot scheme: the selected slot is never written, and during a trial neither slot is (the
   * committed slot is the fallback).
   *
   * @param files the image file of each slot
   * @param scheme the boot scheme of the device
   * @return the backend
   */
  public static ImageFileSlots preallocated(Map<Slot, Path> files, BootScheme scheme) {
    return new ImageFileSlots(
        new FileSlots(files, () -> inUse(scheme), false, s -> fileSize(files, s)));
  }

  /**
   * Returns slots of a declared capacity; a missing file is created on first write.
   *
   * @param files the image file of each slot
   * @param capacity the capacity of each slot in bytes
   * @param bootedSlot tells the slot the device booted from; it is never written
   * @return the backend
   * @throws OtaException with {@code INVALID_ARGUMENT} for a negative capacity
   */
  public static ImageFileSlots withCapacity(
      Map<Slot, Path> files, long capacity, Supplier<Slot> bootedSlot) {
    if (capacity < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(capacity),
          "slot capacity: expected a non-negative byte count, found " + capacity);
    }
    return new ImageFileSlots(new FileSlots(files, bootedOnly(bootedSlot), true, s -> capacity));
  }

  /**
   * Returns the image file of a slot.
   *
   * @param slot the slot
   * @return its file
   */
  public Path path(Slot slot) {
    return slots.path(slot);
  }

  private static long fileSize(Map<Slot, Path> files, Slot s) {
    Path p = files.get(s);
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          p.toString(),
          "slot " + s + ": expected a pre-allocated image file " + p + ", found none",
          e);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, p.toString(), "slot " + s + ": cannot stat " + p + ": " + e, e);
    }
  }
}
