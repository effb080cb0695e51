package org.edgeota.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck;
import org.edgeota.health.internal.Details;
import org.edgeota.health.internal.HealthConfig;
import org.edgeota.health.internal.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner that decides whether a newly booted release is healthy: it runs every check with its
 * timeout and retries, and returns a {@link HealthVerdict}.
 *
 * <p>Semantics, in order:
 *
 * <ul>
 *   <li>Checks run one after another, in the order they were added. Each attempt runs on the
 *       executor and is cancelled (its thread interrupted) when it exceeds the check's {@link
 *       HealthCheck#timeout()}; it then fails with {@link ReasonCode#HEALTH_TIMEOUT}.
 *   <li>A failed attempt is retried up to {@link Builder#retries(int)} times, with {@link
 *       Builder#retryDelay(Duration)} between attempts. A check stops at its first passing attempt.
 *   <li>A check that throws, or returns {@code null}, fails that attempt with {@link
 *       ReasonCode#HEALTH_CHECK_FAILED} and the exception's type and message as detail (an {@link
 *       OtaException} keeps its own reason).
 *   <li>The overall deadline bounds the whole run: an attempt is cut at the deadline, no retry
 *       starts after it, and checks not yet started fail with zero attempts. Such failures carry
 *       {@link ReasonCode#HEALTH_TIMEOUT}.
 *   <li>The verdict is healthy exactly when every critical check passed; advisory failures are
 *       reported only.
 * </ul>
 *
 * <p>Note: with a caller-supplied executor, an attempt waiting in the executor's queue spends its
 * own timeout there, and a check that ignores interruption keeps its thread after it is cancelled;
 * give the runner an executor with spare threads. Without one, each run uses its own cached pool of
 * daemon threads and shuts it down at the end.
 */
public final class HealthRunner {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRunner.class);

  /** The longest overall deadline accepted. */
  public static final Duration MAX_DEADLINE = Duration.ofDays(1);

  private final List<Entry> entries;
  private final int retries;
  private final Duration retryDelay;
  private final Duration overallDeadline;
  private final Clock clock;
  private final ExecutorService executor;
  private final Sleeper sleeper;

  private HealthRunner(Builder builder, List<Entry> entries) {
    this.entries = List.copyOf(entries);
    this.retries = builder.retries;
    this.retryDelay = builder.retryDelay;
    this.overallDeadline = builder.overallDeadline;
    this.clock = builder.clock != null ? builder.clock : new MonotonicClock();
    this.executor = builder.executor;
    this.sleeper = builder.sleeper;
  }

  /**
   * Returns a builder with two retries, a 5 second retry delay, a 5 minute overall deadline, a
   * monotonic clock, the system sleeper and a per-run executor.
   *
   * <p>The default clock advances with {@link System#nanoTime()} from the wall-clock time at which
   * the runner was built: health checks run right after boot, when a device without a real-time
   * clock may have its clock stepped by NTP, and a wall clock would then end the deadline at once
   * or extend it.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every check and returns the verdict.
   *
   * @return the verdict with one result per check, in the order the checks were added
   * @throws OtaException with {@link ReasonCode#HEALTH_CHECK_FAILED} when the calling thread is
   *     interrupted; the running attempt is cancelled, the thread's interrupt flag is set again,
   *     and no verdict exists
   */
  public HealthVerdict run() {
    Instant deadline = clock.instant().plus(overallDeadline);
    ExecutorService pool = executor != null ? executor : ownPool();
    LOG.info("running {} health checks, overall deadline {}", entries.size(), overallDeadline);
    if (entries.isEmpty()) {
      LOG.warn("no health checks configured; the verdict is healthy by default");
    }
    try {
      List<CheckResult> results = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        results.add(runCheck(entry, deadline, pool));
      }
      HealthVerdict verdict = HealthVerdict.of(results);
      if (verdict.healthy()) {
        LOG.info("health verdict: {}", verdict.summary());
      } else {
        LOG.warn("health verdict: {}", verdict.summary());
      }
      return verdict;
    } finally {
      if (pool != executor) {
        pool.shutdownNow();
      }
    }
  }

  private CheckResult runCheck(Entry entry, Instant deadline, ExecutorService pool) {
    Instant begin = clock.instant();
    int maxAttempts = retries + 1;
    int attempts = 0;
    Attempt last = null;
    while (attempts < maxAttempts) {
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) {
        last = Attempt.pastDeadline(overallDeadline, attempts, last);
        break;
      }
      attempts++;
      last = attempt(entry, remaining, pool);
      if (last.passed()) {
        break;
      }
      if (attempts < maxAttempts) {
        LOG.warn(
            "health check '{}' failed attempt {} of {} ({}); retrying in {}",
            entry.name(),
            attempts,
            maxAttempts,
            last.detail(),
            retryDelay);
        pause(entry, Duration.between(clock.instant(), deadline));
      }
    }
    Duration took = Duration.between(begin, clock.instant());
    CheckResult result =
        new CheckResult(
            entry.name(),
            entry.critical(),
            last.passed(),
            attempts,
            last.detail(),
            took.isNegative() ? Duration.ZERO : took,
            last.failure());
    if (result.passed()) {
      LOG.debug("health check '{}' passed after {} attempts", entry.name(), attempts);
    } else {
      LOG.warn(
          "{} health check '{}' failed after {} attempts: {}",
          entry.critical() ? "critical" : "advisory",
          entry.name(),
          attempts,
          result.detail());
    }
    return result;
  }

  private Attempt attempt(Entry entry, Duration remaining, ExecutorService pool) {
    boolean cutByDeadline = remaining.compareTo(entry.timeout()) < 0;
    Duration limit = cutByDeadline ? remaining : entry.timeout();
    Future<HealthCheck.Result> future;
    try {
      future = pool.submit(entry.check()::check);
    } catch (RejectedExecutionException e) {
      return Attempt.fail(
          ReasonCode.HEALTH_CHECK_FAILED, "the executor refused the check: " + Details.describe(e));
    }
    try {
      HealthCheck.Result result = future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      if (result == null) {
        return Attempt.fail(ReasonCode.HEALTH_CHECK_FAILED, "the check returned no result");
      }
      String detail = Details.clip(result.detail());
      return result.healthy()
          ? Attempt.pass(detail)
          : Attempt.fail(ReasonCode.HEALTH_CHECK_FAILED, detail);
    } catch (TimeoutException e) {
      future.cancel(true);
      return Attempt.fail(
          ReasonCode.HEALTH_TIMEOUT,
          cutByDeadline
              ? "cancelled at the overall deadline of " + overallDeadline
              : "expected an answer within " + entry.timeout() + ", found none; cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      ReasonCode reason =
          cause instanceof OtaException ota && ota.reason() == ReasonCode.HEALTH_TIMEOUT
              ? ReasonCode.HEALTH_TIMEOUT
              : ReasonCode.HEALTH_CHECK_FAILED;
      return Attempt.fail(reason, "the check threw " + Details.describe(cause));
    } catch (CancellationException e) {
      return Attempt.fail(
          ReasonCode.HEALTH_CHECK_FAILED, "the check was cancelled by another party");
    } catch (InterruptedException e) {
      future.cancel(true);
      throw interrupted(entry, e);
    }
  }

  private void pause(Entry entry, Duration untilDeadline) {
    Duration delay = retryDelay.compareTo(untilDeadline) < 0 ? retryDelay : untilDeadline;
    if (delay.isNegative() || delay.isZero()) {
      return;
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      throw interrupted(entry, e);
    }
  }

  private static OtaException interrupted(Entry entry, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new OtaException(
        ReasonCode.HEALTH_CHECK_FAILED,
        entry.name(),
        "health run: expected to finish, but the thread was interrupted during check '"
            + entry.name()
            + "'",
        e);
  }

  private static ExecutorService ownPool() {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, "ota-health-check-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return Executors.newCachedThreadPool(factory);
  }

  /** A check with the properties read from it once, when the runner was built. */
  private record Entry(HealthCheck check, String name, boolean critical, Duration timeout) {}

  /** The outcome of one attempt. */
  private record Attempt(boolean passed, String detail, ReasonCode failure) {
    static Attempt pass(String detail) {
      return new Attempt(true, detail, null);
    }

    static Attempt fail(ReasonCode reason, String detail) {
      return new Attempt(false, detail, reason);
    }

    static Attempt pastDeadline(Duration deadline, int attempts, Attempt last) {
      if (attempts == 0 || last == null) {
        return fail(
            ReasonCode.HEALTH_TIMEOUT, "not run: the overall deadline of " + deadline + " passed");
      }
      return fail(
          ReasonCode.HEALTH_TIMEOUT,
          Details.clip(
              "overall deadline of "
                  + deadline
                  + " passed after "
                  + attempts
                  + " attempts; last: "
                  + last.detail()));
    }
  }

  /**
   * Builder of a {@link HealthRunner}; every setter validates its value at once.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final List<HealthCheck> checks = new ArrayList<>();
    private int retries = 2;
    private Duration retryDelay = Duration.ofSeconds(5);
    private Duration overallDeadline = Duration.ofMinutes(5);
    private Clock clock;
    private ExecutorService executor;
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    /**
     * Adds a check; checks run in the order they were added.
     *
     * @param check the check
     * @return this builder
     */
    public Builder check(HealthCheck check) {
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /**
     * Adds several checks, in their iteration order.
     *
     * @param more the checks
     * @return this builder
     */
    public Builder checks(Collection<? extends HealthCheck> more) {
      more.forEach(this::check);
      return this;
    }

    /**
     * Sets how many times a failed check is tried again.
     *
     * @param count the number of retries; 0 runs every check once
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the count is negative or
     *     above 1000
     */
    public Builder retries(int count) {
      if (count < 0 || count > 1000) {
        throw invalid("retries", String.valueOf(count), "a count from 0 to 1000");
      }
      this.retries = count;
      return this;
    }

    /**
     * Sets the wait between two attempts of the same check.
     *
     * @param delay a non-negative span
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when it is negative or longer
     *     than {@link HealthRunner#MAX_DEADLINE}
     */
    public Builder retryDelay(Duration delay) {
      if (delay == null || delay.isNegative() || delay.compareTo(MAX_DEADLINE) > 0) {
        throw invalid("retryDelay", String.valueOf(delay), "a span from 0 to " + MAX_DEADLINE);
      }
      this.retryDelay = delay;
      return this;
    }

    /**
     * Sets the limit of the whole run, retries and delays included.
     *
     * @param deadline a positive span
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when it is not positive or
     *     longer than {@link HealthRunner#MAX_DEADLINE}
     */
    public Builder overallDeadline(Duration deadline) {
      if (deadline == null
          || deadline.isNegative()
          || deadline.isZero()
          || deadline.compareTo(MAX_DEADLINE) > 0) {
        throw invalid(
            "overallDeadline", String.valueOf(deadline), "a positive span up to " + MAX_DEADLINE);
      }
      this.overallDeadline = deadline;
      return this;
    }

    /**
     * Sets the clock that measures durations and the overall deadline.
     *
     * <p>Note: a wall clock (such as {@link Clock#systemUTC()}) makes the deadline jump with every
     * step of the system time; prefer the default monotonic clock outside tests.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the executor that runs the attempts; the runner never shuts it down.
     *
     * @param value an executor with enough threads for one attempt plus any cancelled ones
     * @return this builder
     */
    public Builder executor(ExecutorService value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /**
     * Sets how the runner waits between attempts.
     *
     * @param value the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /**
     * Applies the runner keys of a configuration map; other keys are ignored.
     *
     * <p>Keys: {@code runner.retries} (a non-negative integer), {@code runner.retry-delay} and
     * {@code runner.overall-deadline} (spans as in {@link HealthChecks#fromConfig(Map)}).
     *
     * @param config the configuration entries
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the key and value when a
     *     {@code runner.*} key is unknown or its value is malformed or out of range
     */
    public Builder config(Map<String, String> config) {
      for (Map.Entry<String, String> e : config.entrySet()) {
        String key = e.getKey();
        if (key == null || !key.startsWith("runner.")) {
          continue;
        }
        String value = e.getValue();
        switch (key) {
          case "runner.retries" -> retries(HealthConfig.nonNegativeInt(key, value));
          case "runner.retry-delay" -> retryDelay(HealthConfig.duration(key, value));
          case "runner.overall-deadline" -> overallDeadline(HealthConfig.duration(key, value));
          default ->
              throw new OtaException(
                  ReasonCode.INVALID_ARGUMENT,
                  key,
                  "health config '"
                      + key
                      + "': expected runner.retries, runner.retry-delay or"
                      + " runner.overall-deadline, found an unknown key");
        }
      }
      return this;
    }

    /**
     * Returns the runner, reading each check's name, critical flag and timeout once.
     *
     * @return the runner
     * @throws OtaException with {@link ReasonCode#SPI_FAILURE} when a check throws from {@code
     *     name()}, {@code critical()} or {@code timeout()}; with {@link
     *     ReasonCode#INVALID_ARGUMENT} when a name is blank or used twice or a timeout is not
     *     positive
     */
    public HealthRunner build() {
      List<Entry> entries = new ArrayList<>(checks.size());
      Set<String> names = new HashSet<>();
      for (HealthCheck check : checks) {
        Entry entry = describe(check);
        if (entry.name() == null || entry.name().isBlank()) {
          throw invalid("name", String.valueOf(entry.name()), "a non-blank check name");
        }
        if (!names.add(entry.name())) {
          throw invalid("name", entry.name(), "a name used by one check only");
        }
        Duration timeout = entry.timeout();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
          throw invalid(
              "timeout", String.valueOf(timeout), "a positive timeout of '" + entry.name() + "'");
        }
        entries.add(entry);
      }
      return new HealthRunner(this, entries);
    }

    private static Entry describe(HealthCheck check) {
      try {
        return new Entry(check, check.name(), check.critical(), check.timeout());
      } catch (RuntimeException e) {
        throw new OtaException(
            ReasonCode.SPI_FAILURE,
            check.getClass().getName(),
            "health check "
                + check.getClass().getName()
                + ": expected name(), critical() and timeout() to answer, found "
                + Details.describe(e),
            e);
      }
    }

    private static OtaException invalid(String field, String value, String expected) {
      return new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          value,
          "health runner '" + field + "': expected " + expected + ", found '" + value + "'");
    }
  }
}
