package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.Test;

class HealthRunnerTest {

  private static final Duration SHORT = Duration.ofSeconds(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper fakeSleeper =
      d -> {
        sleeps.add(d);
        clock.advance(d);
      };

  private HealthRunner.Builder fakeTime() {
    return HealthRunner.builder().clock(clock).sleeper(fakeSleeper);
  }

  private static ProbeCheck passing(String name) {
    return ProbeCheck.of(name, SHORT, t -> Result.pass(name + " ok"));
  }

  private static ProbeCheck failing(String name) {
    return ProbeCheck.of(name, SHORT, t -> Result.fail(name + " broken"));
  }

  @Test
  void run_checkHangsPastItsTimeout_cancelsItAndFailsWithHealthTimeout() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    ProbeCheck hung =
        ProbeCheck.of(
            "hung",
            Duration.ofMillis(200),
            t -> {
              try {
                Thread.sleep(30_000);
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return Result.pass("woke up");
            });
    HealthRunner runner = HealthRunner.builder().check(hung).retries(0).build();
    long start = System.nanoTime();

    HealthVerdict verdict = runner.run();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(verdict.healthy()).isFalse();
    CheckResult result = verdict.results().get(0);
    assertThat(result.failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.detail()).contains("PT0.2S");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("hung check interrupted").isTrue();
  }

  @Test
  void run_checkPassesOnlyOnItsThirdAttempt_retriesWithDelayAndPasses() {
    AtomicInteger calls = new AtomicInteger();
    ProbeCheck flaky =
        ProbeCheck.of(
            "warming-up",
            SHORT,
            t ->
                calls.incrementAndGet() < 3
                    ? Result.fail("not ready")
                    : Result.pass("ready on call " + calls.get()));
    HealthRunner runner =
        fakeTime().check(flaky).retries(4).retryDelay(Duration.ofSeconds(2)).build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isTrue();
    CheckResult result = verdict.results().get(0);
    assertThat(result.passed()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.detail()).isEqualTo("ready on call 3");
    assertThat(result.duration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void run_checkHealthyOnlyAfterRealDelay_passesWithRealSleeper() {
    long[] firstCall = new long[1];
    ProbeCheck slowStart =
        ProbeCheck.of(
            "slow-start",
            SHORT,
            t -> {
              long now = System.nanoTime();
              if (firstCall[0] == 0) {
                firstCall[0] = now;
              }
              return now - firstCall[0] >= TimeUnit.MILLISECONDS.toNanos(150)
                  ? Result.pass("up")
                  : Result.fail("starting");
            });
    HealthRunner runner =
        HealthRunner.builder()
            .check(slowStart)
            .retries(10)
            .retryDelay(Duration.ofMillis(100))
            .build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isTrue();
    assertThat(verdict.results().get(0).attempts()).isBetween(2, 4);
    assertThat(verdict.results().get(0).duration()).isGreaterThan(Duration.ofMillis(140));
  }

  @Test
  void run_checkNeverPasses_failsAfterEveryAttempt() {
    AtomicInteger calls = new AtomicInteger();
    ProbeCheck broken =
        ProbeCheck.of("broken", SHORT, t -> Result.fail("attempt " + calls.incrementAndGet()));
    HealthRunner runner = fakeTime().check(broken).retries(2).retryDelay(Duration.ZERO).build();

    HealthVerdict verdict = runner.run();

    CheckResult result = verdict.results().get(0);
    assertThat(verdict.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
    assertThat(result.failure()).isEqualTo(ReasonCode.HEALTH_CHECK_FAILED);
    assertThat(result.detail()).isEqualTo("attempt 3");
  }

  @Test
  void run_advisoryCheckFails_verdictStaysHealthy() {
    HealthRunner runner =
        fakeTime().check(passing("app")).check(failing("metrics").advisory()).retries(1).build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isTrue();
    assertThat(verdict.results()).extracting(CheckResult::passed).containsExactly(true, false);
    assertThat(verdict.results().get(1).critical()).isFalse();
    assertThat(verdict.failedCritical()).isEmpty();
  }

  @Test
  void run_criticalCheckFails_verdictIsUnhealthy() {
    HealthRunner runner =
        fakeTime().check(failing("app")).check(passing("metrics").advisory()).retries(1).build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isFalse();
    assertThat(verdict.failedCritical()).extracting(CheckResult::name).containsExactly("app");
    assertThat(verdict.summary()).contains("unhealthy").contains("app (HEALTH_CHECK_FAILED)");
  }

  @Test
  void run_overallDeadlinePassesDuringRetries_stopsAndFailsLaterChecksUnrun() {
    AtomicInteger laterCalls = new AtomicInteger();
    ProbeCheck later =
        ProbeCheck.of("later", SHORT, t -> Result.pass("ran " + laterCalls.incrementAndGet()));
    HealthRunner runner =
        fakeTime()
            .check(failing("first"))
            .check(later.advisory())
            .check(passing("critical-later"))
            .retries(10)
            .retryDelay(Duration.ofSeconds(4))
            .overallDeadline(Duration.ofSeconds(10))
            .build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isFalse();
    CheckResult first = verdict.results().get(0);
    assertThat(first.attempts()).isEqualTo(3);
    assertThat(first.failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
    assertThat(first.detail()).contains("overall deadline").contains("first broken");
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(2));
    assertThat(verdict.results().subList(1, 3))
        .allSatisfy(
            r -> {
              assertThat(r.attempts()).isZero();
              assertThat(r.failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
              assertThat(r.detail()).startsWith("not run");
            });
    assertThat(laterCalls).hasValue(0);
  }

  @Test
  void run_hungCheckOutlastsOverallDeadline_isCutAtTheDeadline() {
    ProbeCheck hung =
        ProbeCheck.of(
            "hung",
            Duration.ofSeconds(30),
            t -> {
              Thread.sleep(30_000);
              return Result.pass("woke up");
            });
    HealthRunner runner =
        HealthRunner.builder().check(hung).overallDeadline(Duration.ofMillis(300)).build();
    long start = System.nanoTime();

    HealthVerdict verdict = runner.run();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    CheckResult result = verdict.results().get(0);
    assertThat(result.failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
    assertThat(result.detail()).contains("overall deadline");
    assertThat(verdict.healthy()).isFalse();
  }

  @Test
  void run_checkThrows_countsAsFailedWithItsMessage() {
    AtomicInteger calls = new AtomicInteger();
    ProbeCheck throwing =
        ProbeCheck.of(
            "db",
            SHORT,
            t -> {
              calls.incrementAndGet();
              throw new IllegalStateException("database not reachable");
            });
    HealthRunner runner = fakeTime().check(throwing).retries(1).build();

    HealthVerdict verdict = runner.run();

    CheckResult result = verdict.results().get(0);
    assertThat(verdict.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(calls).hasValue(2);
    assertThat(result.failure()).isEqualTo(ReasonCode.HEALTH_CHECK_FAILED);
    assertThat(result.detail())
        .contains("IllegalStateException")
        .contains("database not reachable");
  }

  @Test
  void run_checkThrowsHealthTimeout_keepsTheTimeoutReason() {
    ProbeCheck check =
        ProbeCheck.of(
            "cmd",
            SHORT,
            t -> {
              throw new OtaException(ReasonCode.HEALTH_TIMEOUT, "x", "killed at its timeout");
            });
    HealthRunner runner = fakeTime().check(check).retries(0).build();

    CheckResult result = runner.run().results().get(0);

    assertThat(result.failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
    assertThat(result.detail()).contains("killed at its timeout");
  }

  @Test
  void run_checkReturnsNull_countsAsFailed() {
    HealthRunner runner =
        fakeTime().check(ProbeCheck.of("null", SHORT, t -> null)).retries(0).build();

    CheckResult result = runner.run().results().get(0);

    assertThat(result.passed()).isFalse();
    assertThat(result.detail()).contains("no result");
  }

  @Test
  void run_callingThreadInterrupted_throwsAndKeepsInterruptFlag() {
    ProbeCheck slow =
        ProbeCheck.of(
            "slow",
            SHORT,
            t -> {
              Thread.sleep(2_000);
              return Result.pass("late");
            });
    HealthRunner runner = HealthRunner.builder().check(slow).build();
    Thread.currentThread().interrupt();

    assertThatThrownBy(runner::run)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.reason()).isEqualTo(ReasonCode.HEALTH_CHECK_FAILED))
        .hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void run_noChecks_returnsHealthyEmptyVerdict() {
    HealthVerdict verdict = fakeTime().build().run();

    assertThat(verdict.healthy()).isTrue();
    assertThat(verdict.results()).isEmpty();
  }

  @Test
  void run_injectedExecutor_runsChecksOnItAndLeavesItRunning() throws Exception {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "injected-health"));
    try {
      ProbeCheck where =
          ProbeCheck.of("where", SHORT, t -> Result.pass(Thread.currentThread().getName()));
      HealthRunner runner = fakeTime().check(where).executor(executor).build();

      HealthVerdict verdict = runner.run();

      assertThat(verdict.results().get(0).detail()).isEqualTo("injected-health");
      assertThat(executor.isShutdown()).isFalse();
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void build_twoChecksWithOneName_isRejected() {
    HealthRunner.Builder builder = fakeTime().check(passing("app")).check(failing("app"));

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.offendingValue()).isEqualTo("app");
            });
  }

  @Test
  void build_checkWhoseNameThrows_failsWithSpiFailure() {
    HealthCheck rude =
        new HealthCheck() {
          @Override
          public String name() {
            throw new IllegalStateException("no name today");
          }

          @Override
          public boolean critical() {
            return true;
          }

          @Override
          public Duration timeout() {
            return SHORT;
          }

          @Override
          public Result check() {
            return Result.pass("never");
          }
        };
    HealthRunner.Builder builder = fakeTime().check(rude);

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.SPI_FAILURE))
        .hasMessageContaining("no name today");
  }

  @Test
  void builder_invalidSettings_areRejectedWithTheValue() {
    HealthRunner.Builder builder = HealthRunner.builder();

    assertThatThrownBy(() -> builder.retries(-1)).hasMessageContaining("'retries'");
    assertThatThrownBy(() -> builder.retryDelay(Duration.ofSeconds(-1)))
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> builder.overallDeadline(Duration.ZERO))
        .hasMessageContaining("'overallDeadline'");
    assertThatThrownBy(() -> builder.overallDeadline(Duration.ofDays(2)))
        .hasMessageContaining("PT48H");
  }

  @Test
  void verdict_healthyFlagContradictingResults_isRejected() {
    CheckResult failedCritical =
        new CheckResult(
            "app", true, false, 1, "down", Duration.ZERO, ReasonCode.HEALTH_CHECK_FAILED);

    assertThatThrownBy(() -> new HealthVerdict(true, List.of(failedCritical)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'healthy'");
  }

  @Test
  void checkResult_passedWithFailureReason_isRejected() {
    assertThatThrownBy(
            () ->
                new CheckResult(
                    "app", true, true, 1, "up", Duration.ZERO, ReasonCode.HEALTH_TIMEOUT))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'failure'");
  }
}
