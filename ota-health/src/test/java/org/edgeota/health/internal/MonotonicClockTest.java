package org.edgeota.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {

  @Test
  void instant_atCreation_isTheWallClockTime() {
    Instant before = Instant.now();

    Instant first = new MonotonicClock().instant();

    assertThat(Duration.between(before, first).abs()).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void instant_afterASleep_advancesByTheElapsedTime() throws InterruptedException {
    MonotonicClock clock = new MonotonicClock();
    Instant first = clock.instant();

    Thread.sleep(60);
    Instant second = clock.instant();

    assertThat(Duration.between(first, second))
        .isGreaterThanOrEqualTo(Duration.ofMillis(60))
        .isLessThan(Duration.ofSeconds(5));
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }
}
