package org.edgeota.api.spi;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bootloader's persistent environment: named text variables the bootloader reads at power-on
 * (slot choice, boot counting) and the agent changes to switch or commit slots.
 *
 * <p>Contract every implementation keeps:
 *
 * <ul>
 *   <li>{@link #update} is atomic as a whole: after a power cut at any instant, a later {@link
 *       #read} returns either all the old values or all the new ones, never a mix. With redundant
 *       storage this means writing the copy that was not loaded and only then making it the newer
 *       one.
 *   <li>An update is read back before it returns; a mismatch is an error, never success.
 *   <li>When no stored copy is valid, reads and updates fail with {@code BOOT_ENV_UNREADABLE} and
 *       nothing is written: an implementation never invents a default environment.
 *   <li>Variables the caller did not name are preserved byte for byte.
 *   <li>Names that are empty or contain {@code =} or control characters are refused with {@code
 *       BOOT_ENV_NAME_INVALID}; an environment that would not fit fails with {@code BOOT_ENV_FULL}
 *       and nothing written.
 * </ul>
 */
public interface BootEnv {

  /**
   * Reads every variable.
   *
   * @return the variables in storage order; unmodifiable
   * @throws org.edgeota.api.OtaException with {@code BOOT_ENV_UNREADABLE} when no copy is valid, or
   *     {@code IO_ERROR}
   */
  Map<String, String> read();

  /**
   * Reads one variable.
   *
   * @param name the variable name
   * @return its value, or empty if it is not set
   * @throws org.edgeota.api.OtaException as {@link #read()} does
   */
  default Optional<String> get(String name) {
    return Optional.ofNullable(read().get(name));
  }

  /**
   * Sets and removes variables in one atomic write, then reads the result back.
   *
   * @param set variables to create or overwrite
   * @param unset variables to remove; a name absent from the environment is ignored
   * @throws org.edgeota.api.OtaException with {@code BOOT_ENV_NAME_INVALID}, {@code BOOT_ENV_FULL},
   *     {@code BOOT_ENV_UNREADABLE}, {@code BOOT_ENV_WRITE_FAILED} or {@code IO_ERROR}; in every
   *     case the previous environment stays readable
   */
  void update(Map<String, String> set, Set<String> unset);
}
