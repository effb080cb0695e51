package org.edgeota.partition;

import java.nio.channels.SeekableByteChannel;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.SlotWriter;
import org.edgeota.partition.internal.FileSlots;

/**
 * The part {@link BlockDeviceSlots} and {@link ImageFileSlots} share: a backend that hands every
 * call to a {@link FileSlots}, and the two ways of telling which slots must not be written.
 */
abstract class FileSlotsBackend implements PartitionBackend {
  final FileSlots slots;

  FileSlotsBackend(FileSlots slots) {
    this.slots = slots;
  }

  @Override
  public long capacity(Slot slot) {
    return slots.capacity(slot);
  }

  @Override
  public SeekableByteChannel openForRead(Slot slot) {
    return slots.openForRead(slot);
  }

  @Override
  public SlotWriter openForWrite(Slot slot, long imageSize) {
    return slots.openForWrite(slot, imageSize);
  }

  /** Returns the protected slots when only the booted slot is protected. */
  static Supplier<Set<Slot>> bootedOnly(Supplier<Slot> bootedSlot) {
    Objects.requireNonNull(bootedSlot, "bootedSlot");
    return () -> EnumSet.of(bootedSlot.get());
  }

  /** Returns the slots a boot scheme protects: the selected one, or both during a trial. */
  static Set<Slot> inUse(BootScheme scheme) {
    Slot selected = scheme.bootedSlot();
    return scheme.inTrial() ? EnumSet.allOf(Slot.class) : EnumSet.of(selected);
  }
}
