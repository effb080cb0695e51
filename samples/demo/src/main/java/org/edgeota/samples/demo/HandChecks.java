package org.edgeota.samples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a user could check by hand on a device directory, done with the real tools when they are
 * installed: {@code fw_printenv} names the booted slot, {@code e2fsck -fn} finds the slot's file
 * system clean, and {@code debugfs} reads the committed version from its {@code /etc/os-release}.
 */
final class HandChecks {
  private final Optional<Path> fwPrintenv = Tools.find("fw_printenv");
  private final Optional<Path> e2fsck = Tools.find("e2fsck");
  private final Optional<Path> debugfs = Tools.find("debugfs");

  /** Names the tools that are missing, for the demo's output. */
  List<String> missingTools() {
    List<String> missing = new ArrayList<>();
    if (fwPrintenv.isEmpty()) {
      missing.add("fw_printenv");
    }
    if (e2fsck.isEmpty()) {
      missing.add("e2fsck");
    }
    if (debugfs.isEmpty()) {
      missing.add("debugfs");
    }
    return missing;
  }

  /**
   * Checks one device and returns the problems found (empty when all is as expected).
   *
   * @param deviceDir the device's directory
   * @param slotVariable the environment variable naming the booted slot
   * @param bootedSlot the slot the demo believes booted ("A" or "B")
   * @param version the version the device committed
   * @param ext4 whether the slot images are ext4 file systems
   */
  List<String> check(
      Path deviceDir, String slotVariable, String bootedSlot, String version, boolean ext4)
      throws IOException {
    List<String> problems = new ArrayList<>();
    if (fwPrintenv.isPresent()) {
      Tools.Run r =
          Tools.run(
              Map.of(),
              List.of(
                  fwPrintenv.get().toString(),
                  "-c",
                  deviceDir.resolve("fw_env.config").toString(),
                  slotVariable));
      String expected = slotVariable + "=" + bootedSlot;
      if (!r.ok() || !r.output().strip().equals(expected)) {
        problems.add(
            "fw_printenv: expected '" + expected + "', found '" + r.output().strip() + "'");
      }
    }
    Path image = deviceDir.resolve("slot" + bootedSlot + ".img");
    if (!ext4) {
      byte[] head;
      try (InputStream in = Files.newInputStream(image)) {
        head = in.readNBytes(4096);
      }
      String os = DemoImages.osReleaseOfRaw(head);
      String found = os == null ? null : DemoImages.versionIdOf(os);
      if (!version.equals(found)) {
        problems.add("raw image os-release: expected " + version + ", found " + found);
      }
      return problems;
    }
    if (e2fsck.isPresent()) {
      Tools.Run r = Tools.run(Map.of(), List.of(e2fsck.get().toString(), "-fn", image.toString()));
      if (!r.ok()) {
        problems.add("e2fsck -fn " + image.getFileName() + " exited with " + r.exit());
      }
    }
    if (debugfs.isPresent()) {
      Tools.Run r =
          Tools.run(
              Map.of(),
              List.of(debugfs.get().toString(), "-R", "cat /etc/os-release", image.toString()));
      String found = r.ok() ? DemoImages.versionIdOf(r.output()) : null;
      if (!version.equals(found)) {
        problems.add(
            "debugfs /etc/os-release: expected VERSION_ID=" + version + ", found " + found);
      }
    }
    return problems;
  }
}
