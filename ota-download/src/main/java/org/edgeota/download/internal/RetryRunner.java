package org.edgeota.download.internal;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.download.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts under a {@link RetryPolicy}.
 *
 * <p>Design: resilience4j-retry decides whether a failure is retried, counts attempts and computes
 * the randomized exponential backoff (through its asynchronous context, which returns the wait
 * instead of sleeping in a static sleep function); this class does the waiting through the policy's
 * {@link RetryPolicy.Sleeper}, honours {@code Retry-After} up to the policy's cap, and stops when
 * the next attempt would start after the total-time cap or the caller's deadline. An attempt that
 * made durable progress (bytes kept on disk) starts a fresh attempt budget; the time caps still
 * bound the whole.
 */
public final class RetryRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RetryRunner.class);

  private final RetryPolicy policy;
  private final Clock clock;
  private final RetryConfig config;

  /**
   * Creates a runner.
   *
   * @param policy the policy
   * @param clock the clock the time caps are measured on
   */
  public RetryRunner(RetryPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    IntervalFunction backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            policy.initialBackoff(), 2.0, policy.jitter(), policy.maxBackoff());
    IntervalBiFunction<Object> interval =
        (attempt, outcome) -> {
          long wait = backoff.apply(attempt);
          if (outcome.isLeft()
              && outcome.getLeft() instanceof AttemptFailure f
              && f.retryAfter() != null) {
            long asked = Math.min(f.retryAfter().toMillis(), policy.maxRetryAfter().toMillis());
            wait = Math.max(wait, asked);
          }
          return wait;
        };
    this.config =
        RetryConfig.custom()
            .maxAttempts(policy.maxAttempts())
            .intervalBiFunction(interval)
            .retryOnException(t -> t instanceof AttemptFailure f && f.isRetryable())
            .build();
  }

  /**
   * Runs {@code attempt} until it succeeds, fails for good, or the policy gives up.
   *
   * @param <T> the result type
   * @param operation names the operation in logs and messages (no secrets)
   * @param deadline an instant after which no attempt starts, or {@code null}
   * @param attempt one attempt; throws {@link AttemptFailure} on failure
   * @return the result of the successful attempt
   * @throws OtaException the failure of a non-retryable attempt, or {@link
   *     ReasonCode#RETRIES_EXHAUSTED} wrapping the last failure when the policy gives up
   */
  public <T> T run(String operation, Instant deadline, Supplier<T> attempt) {
    Instant giveUp = clock.instant().plus(policy.maxTotalTime());
    Retry.AsyncContext<Object> context = Retry.of(operation, config).asyncContext();
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        T result = attempt.get();
        context.onComplete();
        return result;
      } catch (AttemptFailure f) {
        if (!f.isRetryable()) {
          throw f.failure();
        }
        if (f.progressed()) {
          context = Retry.of(operation, config).asyncContext();
        }
        long waitMillis = context.onError(f);
        if (waitMillis < 0) {
          throw exhausted(operation, attempts, "after " + attempts + " attempts", f);
        }
        Duration wait = Duration.ofMillis(waitMillis);
        Instant next = clock.instant().plus(wait);
        if (next.isAfter(giveUp)) {
          throw exhausted(operation, attempts, "within " + policy.maxTotalTime(), f);
        }
        if (deadline != null && next.isAfter(deadline)) {
          throw new OtaException(
              ReasonCode.DOWNLOAD_DEADLINE,
              deadline.toString(),
              operation
                  + ": expected to finish by "
                  + deadline
                  + ", but the next attempt"
                  + " would start at "
                  + next
                  + "; last failure: "
                  + f.failure().getMessage(),
              f.failure());
        }
        LOG.warn(
            "{}: attempt {} failed ({}); retrying in {} ms",
            operation,
            attempts,
            f.failure().getMessage(),
            waitMillis);
        sleep(operation, wait);
      }
    }
  }

  private void sleep(String operation, Duration wait) {
    try {
      policy.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaException(
          ReasonCode.TRANSPORT_ERROR,
          null,
          operation + ": expected to wait " + wait + " before retrying, but was interrupted",
          e);
    }
  }

  private static OtaException exhausted(
      String operation, int attempts, String limit, AttemptFailure last) {
    return new OtaException(
        ReasonCode.RETRIES_EXHAUSTED,
        last.failure().reason().name(),
        operation
            + ": expected success "
            + limit
            + ", found "
            + attempts
            + " failed attempts; last failure: "
            + last.failure().getMessage(),
        last.failure());
  }
}
