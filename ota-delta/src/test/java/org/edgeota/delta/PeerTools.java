package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs the C {@code bsdiff}/{@code bspatch}. A missing tool skips the test with a
 * message, or fails it when {@code OTA_REQUIRE_INTEROP=1}.
 */
final class PeerTools {
  private PeerTools() {}

  static Optional<Path> find(String tool) {
    String pathVar = System.getenv().getOrDefault("PATH", "");
    for (String dir : pathVar.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static Path require(String tool) {
    Optional<Path> p = find(tool);
    if (p.isEmpty()) {
      missing("'" + tool + "' not found on PATH (Debian package bsdiff)");
    }
    return p.orElseThrow();
  }

  static void missing(String what) {
    if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
      Assertions.fail(what + ", and OTA_REQUIRE_INTEROP=1 requires it");
    }
    Assumptions.abort(what + ": interop test skipped");
  }

  /** Runs a tool and returns its exit status; standard error is kept in the result. */
  static Result run(String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    assertThat(done).as("%s finished within 120 s", cmd).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  record Result(int exit, String output) {}

  /** Returns the pair of real jars the build copied, or skips/fails when absent. */
  static Path realPairDir() {
    String dir = System.getProperty("ota.delta.interop.dir");
    if (dir == null || !Files.isRegularFile(Path.of(dir, "old.jar"))) {
      missing("real binary pair not copied by the build (system property ota.delta.interop.dir)");
    }
    return Path.of(dir);
  }
}
