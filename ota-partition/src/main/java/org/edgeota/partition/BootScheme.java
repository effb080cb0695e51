package org.edgeota.partition;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.BootEnv;
import org.edgeota.partition.internal.EnvFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B boot scheme kept in a {@link BootEnv}: which slot the bootloader boots, and U-Boot's boot
 * counting ({@code bootcount}, {@code bootlimit}, {@code upgrade_available}, {@code altbootcmd}).
 *
 * <p>Boot counting lives in the bootloader: at every power-on with {@code upgrade_available}
 * nonzero it increments {@code bootcount} and saves, and once {@code bootcount} exceeds {@code
 * bootlimit} it runs {@code altbootcmd}, which switches to the other slot (see {@link
 * BootloaderSimulator}). This class only makes the agent's side of that protocol: each operation is
 * one atomic environment write.
 *
 * <p>Variable names and slot values are configurable through {@link Variables}, so an existing boot
 * script can be kept.
 */
public final class BootScheme {
  private static final Logger LOG = LoggerFactory.getLogger(BootScheme.class);

  /**
   * The names of the variables the scheme uses and the values that denote each slot.
   *
   * @param slot the active-slot variable, by default {@code boot_partition}
   * @param slotA the value of {@code slot} that selects slot A, by default {@code A}
   * @param slotB the value of {@code slot} that selects slot B, by default {@code B}
   * @param bootcount the boot counter, by default {@code bootcount}
   * @param bootlimit the boot limit, by default {@code bootlimit}
   * @param upgradeAvailable the trial flag, by default {@code upgrade_available}
   * @param altbootcmd the fallback command, by default {@code altbootcmd}
   */
  public record Variables(
      String slot,
      String slotA,
      String slotB,
      String bootcount,
      String bootlimit,
      String upgradeAvailable,
      String altbootcmd) {

    /**
     * Validates the names.
     *
     * @throws OtaException with {@code BOOT_ENV_NAME_INVALID} for an invalid name, or {@code
     *     INVALID_ARGUMENT} when two names or both slot values are equal
     */
    public Variables {
      String[] names = {slot, bootcount, bootlimit, upgradeAvailable, altbootcmd};
      for (String n : names) {
        EnvFormat.checkName(n);
      }
      if (new HashSet<>(Arrays.asList(names)).size() != names.length) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            String.join(",", names),
            "boot scheme variable names: expected five different names, found "
                + String.join(", ", names));
      }
      EnvFormat.checkValue(slot, slotA);
      EnvFormat.checkValue(slot, slotB);
      if (slotA.isEmpty() || slotA.equals(slotB)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            slotA,
            "boot scheme slot values: expected two different non-empty values, found '"
                + slotA
                + "' and '"
                + slotB
                + "'");
      }
    }

    /**
     * Returns U-Boot's usual names with slot values {@code A} and {@code B}.
     *
     * @return the default variables
     */
    public static Variables defaults() {
      return new Variables(
          "boot_partition", "A", "B", "bootcount", "bootlimit", "upgrade_available", "altbootcmd");
    }

    /**
     * Returns the value that selects a slot.
     *
     * @param s the slot
     * @return its value in the environment
     */
    public String valueOf(Slot s) {
      return s == Slot.A ? slotA : slotB;
    }

    /**
     * Returns the slot a value selects.
     *
     * @param value the value of the slot variable, possibly absent
     * @return the slot, or empty when the value selects neither slot
     */
    public Optional<Slot> slotOf(String value) {
      if (slotA.equals(value)) {
        return Optional.of(Slot.A);
      }
      if (slotB.equals(value)) {
        return Optional.of(Slot.B);
      }
      return Optional.empty();
    }
  }

  private final BootEnv env;
  private final Variables vars;

  private BootScheme(BootEnv env, Variables vars) {
    this.env = Objects.requireNonNull(env, "env");
    this.vars = Objects.requireNonNull(vars, "vars");
  }

  /**
   * Returns the scheme with the default variable names over an environment.
   *
   * @param env the boot environment
   * @return the scheme
   */
  public static BootScheme of(BootEnv env) {
    return new BootScheme(env, Variables.defaults());
  }

  /**
   * Returns the scheme with the given variable names over an environment.
   *
   * @param env the boot environment
   * @param vars the variable names and slot values
   * @return the scheme
   */
  public static BootScheme of(BootEnv env, Variables vars) {
    return new BootScheme(env, vars);
  }

  /**
   * Returns the variable names this scheme uses.
   *
   * @return the variables
   */
  public Variables variables() {
    return vars;
  }

  /**
   * Returns the environment this scheme works on.
   *
   * @return the boot environment
   */
  public BootEnv env() {
    return env;
  }

  /**
   * Selects a slot for a trial boot in one write: the slot variable, {@code upgrade_available=1},
   * {@code bootcount=0}. Call it only after the slot's image has been verified.
   *
   * <p>Repeating the call for the slot already under trial is allowed (an agent that crashed after
   * the write may redo it); asking for a trial of the selected slot outside a trial is refused,
   * because the fallback would then be the slot that was never verified.
   *
   * @param target the slot to try at the next power-on
   * @throws OtaException with {@code ILLEGAL_TRANSITION} when {@code target} is the selected slot
   *     and no trial is in progress, or as {@link BootEnv#update} does
   */
  public void prepareTrial(Slot target) {
    Map<String, String> now = env.read();
    if (!trial(now) && vars.slotOf(now.get(vars.slot())).filter(target::equals).isPresent()) {
      throw new OtaException(
          ReasonCode.ILLEGAL_TRANSITION,
          target.toString(),
          "trial slot: expected the slot other than the selected slot "
              + target
              + ", found "
              + target);
    }
    env.update(
        Map.of(
            vars.slot(), vars.valueOf(target),
            vars.upgradeAvailable(), "1",
            vars.bootcount(), "0"),
        Set.of());
    LOG.info("boot environment: trial of slot {} prepared", target);
  }

  /**
   * Commits the booted slot in one write: {@code upgrade_available=0}, {@code bootcount=0}.
   *
   * @return the committed slot
   * @throws OtaException with {@code INVALID_ARGUMENT} when the slot variable selects no slot, or
   *     as {@link BootEnv#update} does
   */
  public Slot commit() {
    Slot booted = bootedSlot();
    env.update(Map.of(vars.upgradeAvailable(), "0", vars.bootcount(), "0"), Set.of());
    LOG.info("boot environment: slot {} committed", booted);
    return booted;
  }

  /**
   * Abandons a trial in one write: selects the other slot again, {@code upgrade_available=0},
   * {@code bootcount=0}; what {@code altbootcmd} would do once the boot limit is reached.
   *
   * @return the slot selected for the next power-on
   * @throws OtaException with {@code ILLEGAL_TRANSITION} when no trial is in progress, {@code
   *     INVALID_ARGUMENT} when the slot variable selects no slot, or as {@link BootEnv#update} does
   */
  public Slot markBadAndSwitchBack() {
    Map<String, String> now = env.read();
    if (!trial(now)) {
      throw new OtaException(
          ReasonCode.ILLEGAL_TRANSITION,
          now.get(vars.upgradeAvailable()),
          "boot scheme: expected a trial in progress ("
              + vars.upgradeAvailable()
              + " nonzero) to switch back, found '"
              + now.get(vars.upgradeAvailable())
              + "'");
    }
    Slot bad = slot(now);
    Slot back = bad.other();
    env.update(
        Map.of(
            vars.slot(), vars.valueOf(back),
            vars.upgradeAvailable(), "0",
            vars.bootcount(), "0"),
        Set.of());
    LOG.info("boot environment: slot {} marked bad, switched back to slot {}", bad, back);
    return back;
  }

  /**
   * Returns the slot the slot variable selects: the slot booted at the last power-on, unless the
   * environment was changed since.
   *
   * @return the selected slot
   * @throws OtaException with {@code INVALID_ARGUMENT} when the variable is missing or selects
   *     neither slot, or as {@link BootEnv#read} does
   */
  public Slot bootedSlot() {
    return slot(env.read());
  }

  /**
   * Returns the last committed slot: the selected slot outside a trial, the other one during a
   * trial (where {@code altbootcmd} would fall back to).
   *
   * @return the committed slot
   * @throws OtaException as {@link #bootedSlot()} does
   */
  public Slot committedSlot() {
    Map<String, String> now = env.read();
    Slot selected = slot(now);
    return trial(now) ? selected.other() : selected;
  }

  /**
   * Returns whether a trial is in progress ({@code upgrade_available} is a nonzero number).
   *
   * @return {@code true} during a trial
   * @throws OtaException as {@link BootEnv#read} does
   */
  public boolean inTrial() {
    return trial(env.read());
  }

  /**
   * Returns the boot counter, with a missing counter read as 0 as U-Boot does.
   *
   * @return the boot count
   * @throws OtaException as {@link BootEnv#read} does
   */
  public long bootCount() {
    return ubootNumber(env.read().get(vars.bootcount()));
  }

  /**
   * Returns the variables a freshly provisioned device needs, with the default names: slot A
   * selected, no trial, the given boot limit, and {@code bootcmd}/{@code altbootcmd} scripts.
   *
   * <p>{@code altbootcmd} switches the slot variable, clears {@code upgrade_available} and {@code
   * bootcount}, runs {@code ota_saveenv} (which is {@code saveenv} here and which a board may
   * redefine at power-on), then runs {@code bootcmd}.
   *
   * <p>Note: {@code bootcmd} loads the slot the way the reference board of the project's U-Boot
   * QEMU test tool does (partition 1 or 2 of virtio disk 0 holds a {@code slot_id} marker); a real
   * board replaces {@code ota_bootslot} with its own kernel loading command.
   *
   * @param bootlimit the number of unconfirmed trial boots before falling back; 0 turns fallback
   *     off
   * @return the variables, in a stable order
   * @throws OtaException with {@code INVALID_ARGUMENT} for a negative boot limit
   */
  public static Map<String, String> defaultEnvironment(int bootlimit) {
    if (bootlimit < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Integer.toString(bootlimit),
          "bootlimit: expected a non-negative count, found " + bootlimit);
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("boot_partition", "A");
    m.put("bootcount", "0");
    m.put("bootlimit", Integer.toString(bootlimit));
    m.put("upgrade_available", "0");
    m.put("ota_saveenv", "saveenv");
    m.put(
        "bootcmd",
        "echo \"OTA-SLOT: boot_partition=${boot_partition}\"; setenv ota_part;"
            + " test \"${boot_partition}\" = A && setenv ota_part 1;"
            + " test \"${boot_partition}\" = B && setenv ota_part 2;"
            + " if test -n \"${ota_part}\"; then run ota_bootslot; else"
            + " echo \"OTA-FAIL: boot_partition '${boot_partition}' selects no slot\";"
            + " poweroff; fi");
    m.put(
        "altbootcmd",
        "echo \"OTA-ALTBOOT: leaving slot ${boot_partition}\";"
            + " if test \"${boot_partition}\" = A; then setenv boot_partition B;"
            + " else setenv boot_partition A; fi;"
            + " setenv upgrade_available 0; setenv bootcount 0; run ota_saveenv; run bootcmd");
    m.put(
        "ota_bootslot",
        "setenv slot_id; setenv slot_version;"
            + " if part start virtio 0 ${ota_part} ota_lba"
            + " && virtio read 0x40700000 ${ota_lba} 1"
            + " && env import -t 0x40700000 0x200 slot_id slot_version"
            + " && test -n \"${slot_id}\"; then"
            + " echo \"OTA-BOOT: slot=${boot_partition} part=${ota_part}"
            + " image_id=${slot_id} version=${slot_version}\";"
            + " else echo \"OTA-FAIL: slot ${boot_partition} holds no bootable image\"; fi;"
            + " poweroff");
    return m;
  }

  Slot slot(Map<String, String> now) {
    String value = now.get(vars.slot());
    return vars.slotOf(value)
        .orElseThrow(
            () ->
                new OtaException(
                    ReasonCode.INVALID_ARGUMENT,
                    value,
                    "boot environment variable '"
                        + vars.slot()
                        + "': expected '"
                        + vars.slotA()
                        + "' or '"
                        + vars.slotB()
                        + "', found "
                        + (value == null ? "no such variable" : "'" + value + "'")));
  }

  boolean trial(Map<String, String> now) {
    return ubootNumber(now.get(vars.upgradeAvailable())) != 0;
  }

  /**
   * Reads a number as U-Boot's {@code test -ne}/{@code -gt} do: optional sign, leading decimal
   * digits, anything else ignored; no digits (or a missing variable) is 0.
   */
  static long ubootNumber(String text) {
    if (text == null) {
      return 0;
    }
    int i = 0;
    boolean negative = false;
    if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long v = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      v = v * 10 + (text.charAt(i) - '0');
      i++;
    }
    return negative ? -v : v;
  }
}
