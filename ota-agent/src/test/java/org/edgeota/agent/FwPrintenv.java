package org.edgeota.agent;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a simulated device's boot environment with the real {@code fw_printenv} of libubootenv,
 * when it is installed; with {@code OTA_REQUIRE_INTEROP=1} a missing tool is a failure.
 */
final class FwPrintenv {
  private FwPrintenv() {}

  static Optional<Map<String, String>> readIfInstalled(SimulatedDevice d) {
    if (!installed()) {
      if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
        fail("fw_printenv is not installed but OTA_REQUIRE_INTEROP=1");
      }
      return Optional.empty();
    }
    try {
      Path env = d.envConfig.copies().get(0).device().toAbsolutePath();
      long size = SimulatedDevice.ENV_SIZE;
      Path config = d.dir.resolve("fw_env.config");
      Files.writeString(
          config,
          env
              + " 0x0 0x"
              + Long.toHexString(size)
              + " 0x"
              + Long.toHexString(size)
              + "\n"
              + env
              + " 0x"
              + Long.toHexString(size)
              + " 0x"
              + Long.toHexString(size)
              + " 0x"
              + Long.toHexString(size)
              + "\n");
      Process p =
          new ProcessBuilder("fw_printenv", "-c", config.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("fw_printenv failed: " + out);
      }
      Map<String, String> vars = new LinkedHashMap<>();
      for (String line : out.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          vars.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return Optional.of(vars);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "fw_printenv"))) {
        return true;
      }
    }
    return false;
  }
}
