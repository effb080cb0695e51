package org.edgeota.api.wire;

import java.util.Objects;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.Slot;

/**
 * Body of {@code POST /api/v1/updates/check}: a device asks whether an update is assigned.
 *
 * @param device who the device is and what it runs
 * @param installedSequence the highest release sequence the device has accepted
 * @param bootedSlot the slot the device booted from
 */
public record CheckRequest(DeviceInfo device, long installedSequence, Slot bootedSlot) {

  /** Checks that no field is missing. */
  public CheckRequest {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(bootedSlot, "bootedSlot");
  }
}
