package org.edgeota.partition;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.BootEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model of what U-Boot does with the A/B scheme at power-on, for tests and demos: load the
 * environment (or the built-in default when no copy is valid), count a trial boot and save, fall
 * back through {@code altbootcmd} once {@code bootcount} exceeds {@code bootlimit}, then boot the
 * selected slot.
 *
 * <p>The steps follow U-Boot's {@code CONFIG_BOOTCOUNT_LIMIT} with {@code CONFIG_BOOTCOUNT_ENV}:
 *
 * <ol>
 *   <li>Load the environment; if no copy passes its CRC, use the default environment. Then apply
 *       the variables the bootloader sets itself at every power-on (see {@link
 *       Builder#bootloaderVariables}).
 *   <li>If {@code upgrade_available} is a nonzero number: {@code bootcount += 1} (missing counts as
 *       0) and save.
 *   <li>If, in addition, {@code bootlimit} is nonzero and {@code bootcount > bootlimit}: run {@code
 *       altbootcmd}, modelled as: switch the slot variable ({@code A} when it held anything but
 *       {@code A}), {@code upgrade_available=0}, {@code bootcount=0}, save.
 *   <li>Boot the slot the slot variable selects; any other value is a failed boot.
 * </ol>
 *
 * <p>A save writes the whole environment in the bootloader's memory, as {@code saveenv} does.
 * Numbers are read as U-Boot's {@code test} reads them (leading decimal digits).
 *
 * <p>Note: when no copy is valid and the default environment asks for counting, U-Boot would save
 * the default environment; this model cannot write over an unreadable {@link BootEnv} and counts no
 * save in that case. Boards whose default environment has {@code upgrade_available=0} (the usual
 * case) are modelled exactly. A missing {@code altbootcmd} past the limit is a failed boot. A
 * {@code bootcount} that is not a decimal number is read as its leading digits (0 when there are
 * none), as {@code test} reads it; a bootloader whose increment parses it differently may then
 * count differently. {@link BootScheme} only ever writes decimal counters.
 */
public final class BootloaderSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(BootloaderSimulator.class);

  private final BootScheme.Variables vars;
  private final Map<String, String> defaultEnvironment;
  private final Map<String, String> bootloaderVariables;

  private BootloaderSimulator(Builder b) {
    this.vars = b.vars;
    this.defaultEnvironment = Map.copyOf(b.defaultEnvironment);
    this.bootloaderVariables = Map.copyOf(b.bootloaderVariables);
  }

  /**
   * Returns a simulator with the default variable names, a default environment from {@link
   * BootScheme#defaultEnvironment(int)} with boot limit 3, and no bootloader variables.
   *
   * @return the simulator
   */
  public static BootloaderSimulator withDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder with the defaults of {@link #withDefaults()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BootloaderSimulator}. */
  public static final class Builder {
    private BootScheme.Variables vars = BootScheme.Variables.defaults();
    private Map<String, String> defaultEnvironment = BootScheme.defaultEnvironment(3);
    private Map<String, String> bootloaderVariables = Map.of();

    private Builder() {}

    /**
     * Sets the variable names of the scheme.
     *
     * @param vars the names
     * @return this builder
     */
    public Builder variables(BootScheme.Variables vars) {
      this.vars = Objects.requireNonNull(vars, "vars");
      return this;
    }

    /**
     * Sets the environment built into the bootloader, used when no stored copy is valid.
     *
     * @param env the default environment
     * @return this builder
     */
    public Builder defaultEnvironment(Map<String, String> env) {
      this.defaultEnvironment = Map.copyOf(env);
      return this;
    }

    /**
     * Sets variables the bootloader sets in memory at every power-on after loading; they reach the
     * stored environment only with a save (for example {@code ota_saveenv} on the QEMU reference
     * board).
     *
     * @param vars the variables
     * @return this builder
     */
    public Builder bootloaderVariables(Map<String, String> vars) {
      this.bootloaderVariables = Map.copyOf(vars);
      return this;
    }

    /**
     * Builds the simulator.
     *
     * @return the simulator
     */
    public BootloaderSimulator build() {
      return new BootloaderSimulator(this);
    }
  }

  /**
   * Powers the simulated device on once.
   *
   * @param env the device's boot environment; written when the bootloader saves
   * @return what the boot did
   * @throws OtaException with {@code IO_ERROR} or {@code BOOT_ENV_WRITE_FAILED} when the
   *     environment cannot be accessed
   */
  public BootOutcome powerOn(BootEnv env) {
    Map<String, String> stored;
    boolean valid;
    try {
      stored = env.read();
      valid = true;
    } catch (OtaException e) {
      if (e.reason() != ReasonCode.BOOT_ENV_UNREADABLE) {
        throw e;
      }
      LOG.warn("simulated bootloader: environment unreadable, using the default environment");
      stored = defaultEnvironment;
      valid = false;
    }
    Map<String, String> ram = new LinkedHashMap<>(stored);
    ram.putAll(bootloaderVariables);
    Saver saver = new Saver(env, valid ? stored : null);

    boolean counting = BootScheme.ubootNumber(ram.get(vars.upgradeAvailable())) != 0;
    String bootcount = ram.get(vars.bootcount());
    if (counting) {
      bootcount = Long.toString(BootScheme.ubootNumber(bootcount) + 1);
      ram.put(vars.bootcount(), bootcount);
      saver.save(ram);
    }
    long limit = BootScheme.ubootNumber(ram.get(vars.bootlimit()));
    boolean fallBack = counting && limit != 0 && BootScheme.ubootNumber(bootcount) > limit;
    if (fallBack) {
      if (!ram.containsKey(vars.altbootcmd())) {
        LOG.warn("simulated bootloader: boot limit exceeded but {} is not set", vars.altbootcmd());
        return new BootOutcome(null, true, bootcount, valid, saver.saves);
      }
      String from = ram.get(vars.slot());
      ram.put(vars.slot(), vars.slotA().equals(from) ? vars.slotB() : vars.slotA());
      ram.put(vars.upgradeAvailable(), "0");
      ram.put(vars.bootcount(), "0");
      saver.save(ram);
      LOG.info(
          "simulated bootloader: boot limit {} exceeded, fell back from {} to {}",
          limit,
          from,
          ram.get(vars.slot()));
    }
    Slot slot = vars.slotOf(ram.get(vars.slot())).orElse(null);
    return new BootOutcome(slot, fallBack, bootcount, valid, saver.saves);
  }

  /** Writes the differences between the bootloader's memory and the stored environment. */
  private static final class Saver {
    private final BootEnv env;
    private Map<String, String> stored;
    private int saves;

    Saver(BootEnv env, Map<String, String> stored) {
      this.env = env;
      this.stored = stored;
    }

    void save(Map<String, String> ram) {
      if (stored == null) {
        return;
      }
      Map<String, String> set = new LinkedHashMap<>();
      ram.forEach(
          (k, v) -> {
            if (!v.equals(stored.get(k))) {
              set.put(k, v);
            }
          });
      Set<String> unset = new HashSet<>(stored.keySet());
      unset.removeAll(ram.keySet());
      env.update(set, unset);
      stored = new LinkedHashMap<>(ram);
      saves++;
    }
  }
}
