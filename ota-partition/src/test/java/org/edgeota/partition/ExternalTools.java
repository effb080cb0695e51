package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real peer tools; skips (or fails with {@code OTA_REQUIRE_INTEROP=1}) when absent. */
final class ExternalTools {

  private ExternalTools() {}

  /** The outcome of one process run. */
  record Result(int exitCode, String stdout, String stderr) {}

  static boolean interopRequired() {
    return "1".equals(System.getenv("OTA_REQUIRE_INTEROP"));
  }

  /** Skips the calling test, or fails it when interop is required, unless the tool is present. */
  static void requireTool(String name) {
    boolean present = onPath(name);
    if (interopRequired()) {
      assertThat(present).as("%s on PATH (OTA_REQUIRE_INTEROP=1)", name).isTrue();
    }
    Assumptions.assumeTrue(present, name + " is not installed; interop test skipped");
  }

  static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  static Result run(List<String> command) {
    return run(command, Map.of(), null);
  }

  static Result run(List<String> command, Map<String, String> env, Path dir) {
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
      pb.environment().putAll(env);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Path err = Files.createTempFile("ota-tool", ".err");
      try {
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + command);
        }
        return new Result(
            p.exitValue(),
            new String(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  static Result runOk(List<String> command) {
    Result r = run(command);
    assertThat(r.exitCode()).as("%s failed: %s", command, r.stderr()).isZero();
    return r;
  }
}
