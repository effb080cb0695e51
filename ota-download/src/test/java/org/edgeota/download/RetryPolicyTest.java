package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.download.internal.AttemptFailure;
import org.edgeota.download.internal.RetryRunner;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final ManualClock clock = ManualClock.atNoon();

  private static AttemptFailure transientFailure() {
    return AttemptFailure.retryable(
        new OtaException(ReasonCode.TRANSPORT_ERROR, null, "test: expected a connection"));
  }

  private RetryPolicy.Builder policy(
      int maxAttempts, Duration initial, Duration max, double jitter) {
    return RetryPolicy.builder()
        .maxAttempts(maxAttempts)
        .initialBackoff(initial)
        .maxBackoff(max)
        .jitter(jitter)
        .sleeper(clock.sleeper());
  }

  private RetryRunner runner(int maxAttempts, Duration initial, Duration max, double jitter) {
    return new RetryRunner(policy(maxAttempts, initial, max, jitter).build(), clock);
  }

  private static String runAlwaysFailing(RetryRunner runner) {
    return runner.run(
        "op",
        null,
        () -> {
          throw transientFailure();
        });
  }

  @Test
  void build_zeroAttempts_isRejectedNamingTheSetting() {
    RetryPolicy.Builder b = RetryPolicy.builder().maxAttempts(0);

    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("maxAttempts").contains("found 0");
            });
  }

  @Test
  void build_jitterOfOne_isRejected() {
    RetryPolicy.Builder b = RetryPolicy.builder().jitter(1.0);

    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.getMessage()).contains("jitter"));
  }

  @Test
  void build_maxBackoffBelowInitial_isRejected() {
    RetryPolicy.Builder b =
        RetryPolicy.builder()
            .initialBackoff(Duration.ofSeconds(5))
            .maxBackoff(Duration.ofSeconds(1));

    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.getMessage()).contains("maxBackoff"));
  }

  @Test
  void run_withoutJitter_backsOffExponentiallyUpToTheCap() {
    RetryRunner runner = runner(6, Duration.ofMillis(100), Duration.ofMillis(400), 0);

    assertThatThrownBy(() -> runAlwaysFailing(runner))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.reason()).isEqualTo(ReasonCode.RETRIES_EXHAUSTED));

    assertThat(clock.sleeps())
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(400),
            Duration.ofMillis(400));
  }

  @Test
  void run_withJitter_keepsEachWaitWithinTheJitterBand() {
    RetryRunner runner = runner(4, Duration.ofMillis(1000), Duration.ofMillis(1000), 0.5);

    assertThatThrownBy(() -> runAlwaysFailing(runner)).isInstanceOf(OtaException.class);

    assertThat(clock.sleeps())
        .hasSize(3)
        .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500)));
  }

  @Test
  void run_fatalFailure_isThrownAsIsWithoutRetry() {
    RetryRunner runner =
        new RetryRunner(RetryPolicy.builder().sleeper(clock.sleeper()).build(), clock);
    AtomicInteger calls = new AtomicInteger();
    OtaException forbidden = new OtaException(ReasonCode.AUTH_REJECTED, "403", "forbidden");

    assertThatThrownBy(
            () ->
                runner.run(
                    "op",
                    null,
                    () -> {
                      calls.incrementAndGet();
                      throw AttemptFailure.fatal(forbidden);
                    }))
        .isSameAs(forbidden);

    assertThat(calls).hasValue(1);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void run_progressingAttempts_getAFreshBudgetButStopAtTheTotalTime() {
    RetryPolicy policy =
        policy(2, Duration.ofSeconds(1), Duration.ofSeconds(1), 0)
            .maxTotalTime(Duration.ofSeconds(10))
            .build();
    RetryRunner runner = new RetryRunner(policy, clock);
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                runner.run(
                    "op",
                    null,
                    () -> {
                      calls.incrementAndGet();
                      throw transientFailure().withProgress();
                    }))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.reason()).isEqualTo(ReasonCode.RETRIES_EXHAUSTED));

    assertThat(calls).hasValue(11);
  }

  @Test
  void run_successAfterFailures_returnsTheResult() {
    RetryRunner runner =
        new RetryRunner(RetryPolicy.builder().jitter(0).sleeper(clock.sleeper()).build(), clock);
    AtomicInteger calls = new AtomicInteger();

    String result =
        runner.run(
            "op",
            null,
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw transientFailure();
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }
}
