package org.edgeota.partition.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.SlotWriter;

/**
 * Slots stored in files or block devices: the active-slot and capacity checks made before a {@link
 * FileSlotWriter} is opened. The public backends delegate to it.
 */
public final class FileSlots implements PartitionBackend {
  private final Map<Slot, Path> paths;
  private final Supplier<Set<Slot>> protectedSlots;
  private final boolean create;
  private final ToLongFunction<Slot> capacity;

  /**
   * Creates the backend.
   *
   * @param paths the file or device of each slot; both slots must be present
   * @param protectedSlots the slots that must not be written right now (the booted slot, and during
   *     a trial also the fallback slot)
   * @param create whether writing creates a missing file
   * @param capacity the capacity of each slot in bytes
   */
  public FileSlots(
      Map<Slot, Path> paths,
      Supplier<Set<Slot>> protectedSlots,
      boolean create,
      ToLongFunction<Slot> capacity) {
    if (!paths.containsKey(Slot.A) || !paths.containsKey(Slot.B)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          paths.keySet().toString(),
          "slot paths: expected both A and B, found " + paths.keySet());
    }
    this.paths = new EnumMap<>(paths);
    this.protectedSlots = protectedSlots;
    this.create = create;
    this.capacity = capacity;
  }

  @Override
  public long capacity(Slot slot) {
    return capacity.applyAsLong(slot);
  }

  /**
   * Returns the file or device of a slot.
   *
   * @param slot the slot
   * @return its path
   */
  public Path path(Slot slot) {
    return paths.get(slot);
  }

  @Override
  public SeekableByteChannel openForRead(Slot slot) {
    try {
      return FileChannel.open(paths.get(slot), StandardOpenOption.READ);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          paths.get(slot).toString(),
          "slot " + slot + ": cannot open " + paths.get(slot) + " for reading: " + e,
          e);
    }
  }

  @Override
  public SlotWriter openForWrite(Slot slot, long imageSize) {
    Set<Slot> active = protectedSlots.get();
    if (active.contains(slot)) {
      throw new OtaException(
          ReasonCode.SLOT_ACTIVE,
          slot.toString(),
          "slot to write: expected an inactive slot, found slot "
              + slot
              + " which is in use (protected now: "
              + active
              + ")");
    }
    if (imageSize < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(imageSize),
          "image size: expected a non-negative byte count, found " + imageSize);
    }
    long capacity = capacity(slot);
    if (imageSize > capacity) {
      throw new OtaException(
          ReasonCode.SLOT_TOO_SMALL,
          Long.toString(imageSize),
          "image size for slot "
              + slot
              + ": expected at most the slot capacity of "
              + capacity
              + " bytes, found "
              + imageSize);
    }
    return new FileSlotWriter(slot, paths.get(slot), imageSize, create);
  }
}
