package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.edgeota.api.Version;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutSchedulerTest {
  @TempDir Path tmp;

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /**
   * The seed judged a stage only when a report arrived, so a quiet stage never advanced; the
   * scheduler's ticks must advance it once the clock passes the soak time.
   */
  @Test
  void scheduler_soakPassesWithoutReports_advancesTheStage() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    RolloutEngine engine =
        new RolloutEngine(RolloutStores.inMemory(), clock, TestReleases.VERIFIER);
    engine.addRelease(TestReleases.write(tmp, "2.0.0", 2, false, "valid"));
    engine.create(
        RolloutSpec.of(
            "r",
            Version.parse("2.0.0"),
            List.of(
                new Stage("canary", 5, 5, 0, Duration.ofMinutes(30)),
                new Stage("full", 100, 5, 0, Duration.ofMinutes(30)))));
    engine.start("r");

    try (RolloutScheduler scheduler =
        RolloutScheduler.start(engine, executor, Duration.ofMillis(20))) {
      Thread.sleep(100);
      int beforeSoak = engine.rollout("r").stageIndex();
      clock.advance(Duration.ofMinutes(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (engine.rollout("r").stageIndex() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      assertThat(beforeSoak).isZero();
      assertThat(engine.rollout("r").stageIndex()).isEqualTo(1);
    }
  }
}
