package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;

/** Laws of the verdict over checks that pass on a chosen attempt, or never. */
class HealthRunnerProperties {

  /**
   * One scripted check.
   *
   * @param critical whether it is critical
   * @param passOn the attempt that first passes, or 0 for never
   * @param throwsOnFailure whether a failing attempt throws instead of answering
   */
  record Script(boolean critical, int passOn, boolean throwsOnFailure) {}

  @Provide
  Arbitrary<List<Script>> scripts() {
    Arbitrary<Script> script =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false))
            .as(Script::new);
    return script.list().ofMaxSize(6);
  }

  @Property(tries = 300, seed = "20261204")
  void verdict_isHealthyIffEveryCriticalCheckPassesWithinItsAttempts(
      @ForAll("scripts") List<Script> scripts, @ForAll @IntRange(min = 0, max = 4) int retries) {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    HealthRunner.Builder builder =
        HealthRunner.builder()
            .clock(clock)
            .sleeper(clock::advance)
            .retries(retries)
            .retryDelay(Duration.ofSeconds(1))
            .overallDeadline(Duration.ofHours(1));
    AtomicInteger[] calls = new AtomicInteger[scripts.size()];
    for (int i = 0; i < scripts.size(); i++) {
      Script s = scripts.get(i);
      AtomicInteger count = new AtomicInteger();
      calls[i] = count;
      builder.check(
          ProbeCheck.of("check-" + i, Duration.ofSeconds(5), t -> answer(s, count))
              .withCritical(s.critical()));
    }
    int maxAttempts = retries + 1;

    HealthVerdict verdict = builder.build().run();

    boolean expected =
        scripts.stream()
            .allMatch(s -> !s.critical() || (s.passOn() >= 1 && s.passOn() <= maxAttempts));
    assertThat(verdict.healthy()).isEqualTo(expected);
    for (int i = 0; i < scripts.size(); i++) {
      Script s = scripts.get(i);
      CheckResult r = verdict.results().get(i);
      boolean passes = s.passOn() >= 1 && s.passOn() <= maxAttempts;
      assertThat(r.passed()).isEqualTo(passes);
      assertThat(r.attempts()).isEqualTo(passes ? s.passOn() : maxAttempts);
      assertThat(calls[i]).hasValue(r.attempts());
      assertThat(r.failure()).isEqualTo(passes ? null : ReasonCode.HEALTH_CHECK_FAILED);
    }
  }

  private static Result answer(Script s, AtomicInteger count) {
    int attempt = count.incrementAndGet();
    if (s.passOn() != 0 && attempt >= s.passOn()) {
      return Result.pass("passed on " + attempt);
    }
    if (s.throwsOnFailure()) {
      throw new IllegalStateException("failed attempt " + attempt);
    }
    return Result.fail("failed attempt " + attempt);
  }
}
