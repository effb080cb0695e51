package org.edgeota.partition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.BootEnv;
import org.edgeota.partition.internal.EnvFormat;
import org.edgeota.partition.internal.EnvFormat.Decoded;
import org.edgeota.partition.internal.EnvFormat.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A U-Boot environment in a file or on a block device, read and written byte-compatibly with
 * libubootenv's {@code fw_printenv}/{@code fw_setenv} and with U-Boot itself.
 *
 * <p>Single environment: one copy, CRC32 (little-endian) over the data area. Redundant environment:
 * two copies, each with a flags byte after the CRC. Loading picks the valid copy with the higher
 * flags (0 beats 255, equal flags pick the first). An update writes the copy that was <em>not</em>
 * loaded with the flags incremented modulo 256, forces it to the device, and reads both copies back
 * to prove that the new copy now wins and holds exactly the new variables. The old copy stays
 * intact until then, so a power cut leaves either the old or the new environment.
 *
 * <p>Variables are written sorted by name (as libubootenv and U-Boot's {@code saveenv} do);
 * variables the caller did not name keep their exact bytes.
 *
 * <p>Note: a single (non-redundant) environment is rewritten in place, so a power cut during that
 * write can leave it unreadable; use a redundant environment where power may fail. Two processes
 * updating the same environment at once are not serialised against each other.
 */
public final class UBootEnv implements BootEnv {
  private static final Logger LOG = LoggerFactory.getLogger(UBootEnv.class);

  private final FwEnvConfig config;

  private UBootEnv(FwEnvConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    if (config.envSize() > Integer.MAX_VALUE - 8) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_CONFIG_INVALID,
          Long.toString(config.envSize()),
          "fw_env.config env size: expected at most 2 GiB, found " + config.envSize());
    }
    if (config.redundant()) {
      refuseAliasedCopies(config);
    }
  }

  /**
   * Refuses two copies that are the same bytes reached through different names (a symbolic or hard
   * link, or a relative and an absolute path): writing "the other copy" would then overwrite the
   * only copy in place, and a power cut during that write would leave no environment at all.
   */
  private static void refuseAliasedCopies(FwEnvConfig config) {
    FwEnvConfig.Location a = config.copies().get(0);
    FwEnvConfig.Location b = config.copies().get(1);
    if (!FwEnvConfig.overlap(a, b) || !Files.exists(a.device()) || !Files.exists(b.device())) {
      return;
    }
    boolean same;
    try {
      same = Files.isSameFile(a.device(), b.device());
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          b.device().toString(),
          "boot environment: cannot compare " + a.device() + " with " + b.device() + ": " + e,
          e);
    }
    if (same) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_CONFIG_INVALID,
          b.device().toString(),
          "fw_env.config: expected the two copies not to overlap, found copy 1 at "
              + a.offset()
              + " of "
              + a.device()
              + " and copy 2 at "
              + b.offset()
              + " of "
              + b.device()
              + ", the same file, with size "
              + a.size());
    }
  }

  /**
   * Returns the environment described by a {@code fw_env.config} file. Nothing is read yet.
   *
   * @param fwEnvConfig the configuration file
   * @return the environment
   * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} or {@code IO_ERROR} when the
   *     configuration cannot be used, including two copies that overlap in one file reached through
   *     two names (a link, or a relative and an absolute path)
   */
  public static UBootEnv fromConfig(Path fwEnvConfig) {
    return new UBootEnv(FwEnvConfig.parse(fwEnvConfig));
  }

  /**
   * Returns the environment at a parsed location. Nothing is read yet.
   *
   * @param config where the copies are
   * @return the environment
   * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} when the two copies overlap in one
   *     file reached through two names (a link, or a relative and an absolute path)
   */
  public static UBootEnv of(FwEnvConfig config) {
    return new UBootEnv(config);
  }

  /**
   * Formats a fresh environment holding exactly the given variables, as {@code mkenvimage} does,
   * and returns it. Files that do not exist are created; existing bytes outside the copies are
   * kept. A redundant environment gets the same variables in both copies, the first with flags 1
   * and the second with flags 0.
   *
   * <p>This is for provisioning images (tests, demos, factory tooling); it overwrites whatever was
   * there, so it is never used on the update path.
   *
   * @param config where the copies go
   * @param initial the variables, written sorted by name
   * @return the environment
   * @throws OtaException with {@code BOOT_ENV_NAME_INVALID}, {@code BOOT_ENV_FULL} (nothing
   *     written) or {@code IO_ERROR}
   */
  public static UBootEnv create(FwEnvConfig config, Map<String, String> initial) {
    UBootEnv env = new UBootEnv(config);
    List<Entry> entries = new ArrayList<>();
    initial.forEach(
        (k, v) -> {
          EnvFormat.checkName(k);
          EnvFormat.checkValue(k, v);
          entries.add(Entry.of(k, v));
        });
    entries.sort((a, b) -> EnvFormat.compareNames(a.name(), b.name()));
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < config.copies().size(); i++) {
      images.add(EnvFormat.encode(entries, env.copySize(), config.redundant(), i == 0 ? 1 : 0));
    }
    for (int i = 0; i < images.size(); i++) {
      env.writeCopy(i, images.get(i), true);
    }
    env.load();
    return env;
  }

  /**
   * Returns the configuration this environment was built with.
   *
   * @return the configuration
   */
  public FwEnvConfig config() {
    return config;
  }

  @Override
  public Map<String, String> read() {
    Loaded loaded = load();
    Map<String, String> vars = new LinkedHashMap<>();
    for (Entry e : loaded.decoded().entries()) {
      vars.put(e.nameText(), e.valueText());
    }
    return Collections.unmodifiableMap(vars);
  }

  @Override
  public void update(Map<String, String> set, Set<String> unset) {
    set.forEach(
        (k, v) -> {
          EnvFormat.checkName(k);
          EnvFormat.checkValue(k, Objects.requireNonNull(v, "value of " + k));
        });
    unset.forEach(EnvFormat::checkName);
    Loaded loaded = load();

    List<Entry> entries = new ArrayList<>();
    for (Entry e : loaded.decoded().entries()) {
      String name = e.nameText();
      if (!set.containsKey(name) && !unset.contains(name)) {
        entries.add(e);
      }
    }
    set.forEach((k, v) -> entries.add(Entry.of(k, v)));
    entries.sort((a, b) -> EnvFormat.compareNames(a.name(), b.name()));
    int target = config.redundant() ? 1 - loaded.index() : 0;
    int flags = config.redundant() ? (loaded.decoded().flags() + 1) & 0xff : 0;
    byte[] image = EnvFormat.encode(entries, copySize(), config.redundant(), flags);

    writeCopy(target, image, false);
    Loaded after;
    try {
      after = load();
    } catch (OtaException e) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_WRITE_FAILED,
          config.copies().get(target).device().toString(),
          "boot environment: expected the written copy " + (target + 1) + " to read back, " + e,
          e);
    }
    if (after.index() != target || !after.decoded().entries().equals(entries)) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_WRITE_FAILED,
          config.copies().get(target).device().toString(),
          "boot environment: expected copy "
              + (target + 1)
              + " with flags "
              + flags
              + " and "
              + entries.size()
              + " variables to be loaded after the write, found copy "
              + (after.index() + 1)
              + " with flags "
              + after.decoded().flags()
              + " and "
              + after.decoded().entries().size()
              + " variables");
    }
    LOG.debug(
        "boot environment written: copy {} flags {} set {} unset {}",
        target + 1,
        flags,
        set.keySet(),
        unset);
  }

  private int copySize() {
    return (int) config.envSize();
  }

  private record Loaded(int index, Decoded decoded) {}

  private Loaded load() {
    List<Optional<Decoded>> copies = new ArrayList<>();
    for (int i = 0; i < config.copies().size(); i++) {
      copies.add(readCopy(i).flatMap(b -> EnvFormat.decode(b, config.redundant())));
    }
    int index =
        config.redundant()
            ? EnvFormat.choose(copies.get(0), copies.get(1))
            : (copies.get(0).isPresent() ? 0 : -1);
    if (index < 0) {
      FwEnvConfig.Location first = config.copies().get(0);
      throw new OtaException(
          ReasonCode.BOOT_ENV_UNREADABLE,
          first.device().toString(),
          "boot environment unreadable: expected "
              + (config.redundant() ? "at least one of 2 copies" : "the copy")
              + " of size "
              + first.size()
              + " at offset "
              + first.offset()
              + " of "
              + first.device()
              + " to pass its CRC32 check, found none (wrong env size, wrong byte order or"
              + " corruption); nothing was written");
    }
    if (config.redundant() && copies.get(1 - index).isEmpty()) {
      LOG.warn(
          "boot environment copy {} failed its CRC check; using copy {}", 2 - index, index + 1);
    }
    Decoded d = copies.get(index).orElseThrow();
    if (d.skipped() > 0) {
      LOG.warn("boot environment copy {}: ignored {} strings without '='", index + 1, d.skipped());
    }
    return new Loaded(index, d);
  }

  private Optional<byte[]> readCopy(int i) {
    FwEnvConfig.Location loc = config.copies().get(i);
    try (FileChannel ch = FileChannel.open(loc.device(), StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(copySize());
      long pos = loc.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          LOG.warn(
              "boot environment copy {}: {} ends at {} before the copy's end {}",
              i + 1,
              loc.device(),
              pos,
              loc.offset() + loc.size());
          return Optional.empty();
        }
        pos += n;
      }
      return Optional.of(buf.array());
    } catch (NoSuchFileException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          loc.device().toString(),
          "boot environment: expected device or file " + loc.device() + ", found none",
          e);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          loc.device().toString(),
          "boot environment: cannot read " + loc.device() + ": " + e,
          e);
    }
  }

  private void writeCopy(int i, byte[] image, boolean create) {
    FwEnvConfig.Location loc = config.copies().get(i);
    try (FileChannel ch =
        create
            ? FileChannel.open(loc.device(), StandardOpenOption.WRITE, StandardOpenOption.CREATE)
            : FileChannel.open(loc.device(), StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(image);
      long pos = loc.offset();
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_WRITE_FAILED,
          loc.device().toString(),
          "boot environment: cannot write copy " + (i + 1) + " to " + loc.device() + ": " + e,
          e);
    }
  }
}
