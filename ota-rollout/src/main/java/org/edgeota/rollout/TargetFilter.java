package org.edgeota.rollout;

import java.util.Map;
import java.util.Set;

/**
 * Which devices a rollout targets: by device type and by tags.
 *
 * @param deviceTypes the device types to include; empty means every type
 * @param tags tags a device must carry with exactly these values; empty means no tag condition
 */
public record TargetFilter(Set<String> deviceTypes, Map<String, String> tags) {

  /** Copies the sets; {@code null} is read as empty. */
  public TargetFilter {
    deviceTypes = deviceTypes == null ? Set.of() : Set.copyOf(deviceTypes);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /**
   * Returns the filter that matches every device.
   *
   * @return a filter without conditions
   */
  public static TargetFilter all() {
    return new TargetFilter(Set.of(), Map.of());
  }

  /**
   * Tells whether a device matches.
   *
   * @param device the device; one that never checked in (unknown type) never matches
   * @return whether the device's type and tags satisfy the filter
   */
  public boolean matches(DeviceRecord device) {
    if (device.deviceType() == null) {
      return false;
    }
    if (!deviceTypes.isEmpty() && !deviceTypes.contains(device.deviceType())) {
      return false;
    }
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (!e.getValue().equals(device.tags().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
