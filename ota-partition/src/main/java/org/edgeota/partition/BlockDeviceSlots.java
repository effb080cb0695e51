package org.edgeota.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Supplier;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.partition.internal.FileSlots;

/**
 * A/B slots on raw block devices (partitions such as {@code /dev/mmcblk0p2}).
 *
 * <p>A slot's capacity is the device size, read from the kernel's {@code
 * /sys/class/block/NAME/size} (512-byte sectors) because {@code stat} reports 0 bytes for a block
 * device; when that is not available (a regular file standing in for a device) the file size is
 * used.
 */
public final class BlockDeviceSlots extends FileSlotsBackend {
  private BlockDeviceSlots(FileSlots slots) {
    super(slots);
  }

  /**
   * Returns slots on the given devices.
   *
   * @param devices the block device of each slot
   * @param bootedSlot tells the slot the device booted from; it is never written
   * @return the backend
   */
  public static BlockDeviceSlots of(Map<Slot, Path> devices, Supplier<Slot> bootedSlot) {
    return new BlockDeviceSlots(
        new FileSlots(devices, bootedOnly(bootedSlot), false, s -> deviceSize(devices, s)));
  }

  /**
   * Returns slots on the given devices, protected by a boot scheme: the selected slot is never
   * written, and during a trial neither slot is.
   *
   * @param devices the block device of each slot
   * @param scheme the boot scheme of the device
   * @return the backend
   */
  public static BlockDeviceSlots of(Map<Slot, Path> devices, BootScheme scheme) {
    return new BlockDeviceSlots(
        new FileSlots(devices, () -> inUse(scheme), false, s -> deviceSize(devices, s)));
  }

  private static long deviceSize(Map<Slot, Path> devices, Slot s) {
    Path dev = devices.get(s);
    try {
      Path real = dev.toRealPath();
      Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
      if (real.startsWith("/dev") && Files.isReadable(sys)) {
        String sectors = Files.readString(sys, StandardCharsets.US_ASCII).strip();
        return Long.parseLong(sectors) * 512L;
      }
      try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
        return ch.size();
      }
    } catch (IOException | NumberFormatException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          dev.toString(),
          "slot " + s + ": cannot determine the size of " + dev + ": " + e,
          e);
    }
  }
}
