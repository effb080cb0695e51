package org.edgeota.health;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Finds external programs; a missing one skips the test unless OTA_REQUIRE_INTEROP=1. */
final class Tools {
  private Tools() {}

  static Path require(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    Path found =
        Arrays.stream(path.split(":"))
            .map(dir -> Path.of(dir, program))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    if (found == null) {
      if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
        fail("program '%s' is required (OTA_REQUIRE_INTEROP=1) but not on PATH", program);
      }
      assumeTrue(false, "program '" + program + "' not on PATH; test skipped");
    }
    return found;
  }
}
