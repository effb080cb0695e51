package org.edgeota.partition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The location of a U-Boot environment as described by a {@code fw_env.config} file: one line per
 * copy, two lines for a redundant environment.
 *
 * <p>Each line reads {@code DEVICE OFFSET ENVSIZE [SECTORSIZE [SECTORCOUNT]]}; numbers are decimal
 * or {@code 0x} hexadecimal; {@code #} starts a comment. Both copies of a redundant environment
 * must have the same size.
 *
 * <p>Note: negative offsets (counted from the end of a device) and the YAML configuration format of
 * newer libubootenv releases are not supported; they are refused with {@code
 * BOOT_ENV_CONFIG_INVALID}.
 *
 * @param copies one location per copy (one or two)
 */
public record FwEnvConfig(List<Location> copies) {
  /** Largest {@code fw_env.config} file {@link #parse(Path)} reads, in bytes. */
  public static final int MAX_CONFIG_BYTES = 64 * 1024;

  /**
   * One copy of the environment: where it is and how large it is.
   *
   * @param device the device or image file holding the copy
   * @param offset the byte offset of the copy within the device
   * @param size the size of the copy in bytes, header included
   * @param sectorSize the erase sector size in bytes (informational for files and block devices)
   */
  public record Location(Path device, long offset, long size, long sectorSize) {
    /**
     * Validates a location.
     *
     * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} for a negative offset or a size too
     *     small to hold a header
     */
    public Location {
      Objects.requireNonNull(device, "device");
      if (offset < 0) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            Long.toString(offset),
            "fw_env.config offset: expected a non-negative byte offset, found " + offset);
      }
      if (size < 8) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            Long.toString(size),
            "fw_env.config env size: expected at least 8 bytes, found " + size);
      }
      if (sectorSize < 0) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            Long.toString(sectorSize),
            "fw_env.config sector size: expected a non-negative size, found " + sectorSize);
      }
    }
  }

  /**
   * Validates a configuration.
   *
   * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} when there are not one or two copies,
   *     or the two copies differ in size or overlap on the same device
   */
  public FwEnvConfig {
    copies = List.copyOf(copies);
    if (copies.isEmpty() || copies.size() > 2) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_CONFIG_INVALID,
          Integer.toString(copies.size()),
          "fw_env.config: expected one or two environment lines, found " + copies.size());
    }
    if (copies.size() == 2 && copies.get(0).size() != copies.get(1).size()) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_CONFIG_INVALID,
          Long.toString(copies.get(1).size()),
          "fw_env.config: expected both copies to have size "
              + copies.get(0).size()
              + ", found "
              + copies.get(1).size());
    }
    if (copies.size() == 2) {
      Location a = copies.get(0);
      Location b = copies.get(1);
      // Absolute form: "env.img" and "/dir/./env.img" name one file when run from /dir.
      boolean sameDevice =
          a.device().toAbsolutePath().normalize().equals(b.device().toAbsolutePath().normalize());
      if (sameDevice && overlap(a, b)) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            Long.toString(b.offset()),
            "fw_env.config: expected the two copies not to overlap, found copy 1 at "
                + a.offset()
                + " and copy 2 at "
                + b.offset()
                + " with size "
                + a.size()
                + " on "
                + a.device());
      }
    }
  }

  /**
   * Returns whether two locations share bytes, assuming they are on the same device.
   *
   * @param a one copy
   * @param b the other copy
   * @return {@code true} if their byte ranges intersect
   */
  static boolean overlap(Location a, Location b) {
    return a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
  }

  /**
   * Returns a configuration of one copy.
   *
   * @param device the device or image file
   * @param offset the byte offset of the environment
   * @param size the environment size in bytes
   * @return the configuration
   */
  public static FwEnvConfig single(Path device, long offset, long size) {
    return new FwEnvConfig(List.of(new Location(device, offset, size, size)));
  }

  /**
   * Returns a configuration of two redundant copies of the same size.
   *
   * @param device the device or image file holding both copies
   * @param offset1 the byte offset of the first copy
   * @param offset2 the byte offset of the second copy
   * @param size the size of each copy in bytes
   * @return the configuration
   */
  public static FwEnvConfig redundant(Path device, long offset1, long offset2, long size) {
    return new FwEnvConfig(
        List.of(
            new Location(device, offset1, size, size), new Location(device, offset2, size, size)));
  }

  /**
   * Returns whether the environment has two copies.
   *
   * @return {@code true} for a redundant environment
   */
  public boolean redundant() {
    return copies.size() == 2;
  }

  /**
   * Returns the size of each copy in bytes, header included.
   *
   * @return the environment size
   */
  public long envSize() {
    return copies.get(0).size();
  }

  /**
   * Reads and parses a {@code fw_env.config} file.
   *
   * @param file the configuration file
   * @return the configuration
   * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} for a malformed line or a file over
   *     {@link #MAX_CONFIG_BYTES}, or {@code IO_ERROR} when the file cannot be read
   */
  public static FwEnvConfig parse(Path file) {
    String text;
    try (InputStream in = Files.newInputStream(file)) {
      // Bounded: a configuration named by mistake as a device such as /dev/zero must fail, not
      // read until memory runs out.
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            file.toString(),
            "fw_env.config "
                + file
                + ": expected at most "
                + MAX_CONFIG_BYTES
                + " bytes, found more");
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "cannot read fw_env.config " + file + ": " + e, e);
    }
    return parse(text, file.getParent() == null ? Path.of("") : file.getParent());
  }

  /**
   * Parses the text of a {@code fw_env.config} file.
   *
   * @param text the configuration text
   * @param baseDir the directory relative device paths are resolved against
   * @return the configuration
   * @throws OtaException with {@code BOOT_ENV_CONFIG_INVALID} for a malformed line
   */
  public static FwEnvConfig parse(String text, Path baseDir) {
    List<Location> copies = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 3 || f.length > 5) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_CONFIG_INVALID,
            raw,
            "fw_env.config line "
                + lineNo
                + ": expected 'DEVICE OFFSET ENVSIZE [SECTORSIZE [SECTORCOUNT]]', found '"
                + raw
                + "'");
      }
      long size = number(f[2], "env size", lineNo);
      long sector = f.length >= 4 ? number(f[3], "sector size", lineNo) : size;
      copies.add(new Location(baseDir.resolve(f[0]), number(f[1], "offset", lineNo), size, sector));
    }
    return new FwEnvConfig(copies);
  }

  private static long number(String text, String field, int lineNo) {
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return Long.parseLong(text.substring(2), 16);
      }
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_CONFIG_INVALID,
          text,
          "fw_env.config line "
              + lineNo
              + " "
              + field
              + ": expected a decimal or 0x-hexadecimal number, found '"
              + text
              + "'",
          e);
    }
  }
}
