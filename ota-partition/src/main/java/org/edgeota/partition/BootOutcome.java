package org.edgeota.partition;

import java.util.Optional;
import org.edgeota.api.Slot;

/**
 * What one simulated power-on did.
 *
 * @param slot the slot {@code bootcmd} started, or {@code null} when the slot variable selected
 *     neither slot (a failed boot)
 * @param fellBack whether the boot limit was exceeded and {@code altbootcmd} ran
 * @param bootcount the boot counter the bootloader compared with the limit, after its increment;
 *     {@code null} when the variable was not set and nothing was counted
 * @param envValid whether the stored environment passed its CRC check; when it did not, the
 *     bootloader's built-in default environment was used
 * @param saves how many times the bootloader wrote the environment
 */
public record BootOutcome(
    Slot slot, boolean fellBack, String bootcount, boolean envValid, int saves) {

  /**
   * Returns the booted slot.
   *
   * @return the slot, or empty when the boot failed
   */
  public Optional<Slot> booted() {
    return Optional.ofNullable(slot);
  }
}
