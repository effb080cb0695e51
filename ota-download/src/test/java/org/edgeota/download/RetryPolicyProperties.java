package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.download.internal.AttemptFailure;
import org.edgeota.download.internal.RetryRunner;
import org.edgeota.download.support.ManualClock;

class RetryPolicyProperties {

  /** Whatever the settings, a failure that never heals is retried a bounded number of times. */
  @Property(seed = "20261204", tries = 200)
  void run_everlastingFailure_staysWithinAttemptAndTimeCaps(
      @ForAll @IntRange(min = 1, max = 12) int maxAttempts,
      @ForAll @IntRange(min = 1, max = 120) int totalSeconds,
      @ForAll @IntRange(min = 1, max = 5000) int initialMillis,
      @ForAll @DoubleRange(min = 0.0, max = 0.99) double jitter,
      @ForAll @IntRange(min = 0, max = 1000) int retryAfterSeconds) {
    ManualClock clock = ManualClock.atNoon();
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(maxAttempts)
            .maxTotalTime(Duration.ofSeconds(totalSeconds))
            .initialBackoff(Duration.ofMillis(initialMillis))
            .maxBackoff(Duration.ofMillis(initialMillis * 8L))
            .jitter(jitter)
            .maxRetryAfter(Duration.ofSeconds(60))
            .sleeper(clock.sleeper())
            .build();
    RetryRunner runner = new RetryRunner(policy, clock);
    AtomicInteger calls = new AtomicInteger();
    ReasonCode reason = null;

    try {
      runner.run(
          "op",
          null,
          () -> {
            calls.incrementAndGet();
            throw AttemptFailure.retryableAfter(
                new OtaException(ReasonCode.HTTP_STATUS, "503", "busy"),
                Duration.ofSeconds(retryAfterSeconds));
          });
    } catch (OtaException e) {
      reason = e.reason();
    }

    Duration slept = clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(reason).isEqualTo(ReasonCode.RETRIES_EXHAUSTED);
    assertThat(calls.get()).isBetween(1, maxAttempts);
    assertThat(slept).isLessThanOrEqualTo(Duration.ofSeconds(totalSeconds));
    assertThat(clock.sleeps())
        .allSatisfy(
            d ->
                assertThat(d)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(Math.min(retryAfterSeconds, 60))));
  }
}
