package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeSpaceCheckTest {

  @TempDir Path dir;

  @Test
  void freeSpace_lessRequiredThanUsable_passes() throws Exception {
    long usable = Files.getFileStore(dir).getUsableSpace();

    Result result = HealthChecks.freeSpace(dir, 1).check();

    assertThat(usable).isPositive();
    assertThat(result.healthy()).as(result.detail()).isTrue();
    assertThat(result.detail()).contains("bytes usable").contains(", 1 required");
  }

  @Test
  void freeSpace_moreRequiredThanTheStoreHolds_fails() throws Exception {
    long total = Files.getFileStore(dir).getTotalSpace();

    Result result = HealthChecks.freeSpace(dir, total + 1).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains((total + 1) + " required");
  }

  @Test
  void freeSpace_missingPath_fails() throws Exception {
    Result result = HealthChecks.freeSpace(dir.resolve("absent"), 1).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("does not exist");
  }

  @Test
  void freeSpace_negativeMinimum_isRejected() {
    assertThatThrownBy(() -> HealthChecks.freeSpace(dir, -1))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'minBytes'")
        .hasMessageContaining("-1");
  }
}
