package org.edgeota.download;

import java.time.Duration;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * How often and for how long a failed request is retried: a cap on attempts, a cap on the total
 * time, exponential backoff between attempts with random jitter, and a cap on how long a server's
 * {@code Retry-After} may make the client wait.
 *
 * <p>Only failures that can succeed on a retry are retried: connection failures, time-outs, bodies
 * cut short, {@code 408}, {@code 429} and {@code 5xx} answers. A {@code 403}, a {@code 404}, a
 * digest mismatch or a body larger than expected fail at once. The retries themselves are run by
 * resilience4j-retry; the waiting goes through the {@link Sleeper} so that tests need not wait.
 *
 * <p>Instances are immutable and may be shared.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Duration maxTotalTime;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final Sleeper sleeper;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.maxTotalTime = b.maxTotalTime;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.maxRetryAfter = b.maxRetryAfter;
    this.sleeper = b.sleeper;
  }

  /**
   * Returns a builder preset with the defaults: 5 attempts, 10 minutes in total, backoff from 1 s
   * doubling up to 60 s with 50 % jitter, {@code Retry-After} capped at 5 minutes.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default policy (see {@link #builder()}).
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /**
   * Returns a policy that makes exactly one attempt.
   *
   * @return a policy without retries
   */
  public static RetryPolicy none() {
    return builder().maxAttempts(1).build();
  }

  /**
   * Returns the maximum number of attempts, the first one included.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Returns the longest time from the first attempt after which no new attempt is started.
   *
   * @return a positive duration
   */
  public Duration maxTotalTime() {
    return maxTotalTime;
  }

  /**
   * Returns the wait before the second attempt; later waits double.
   *
   * @return a positive duration
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Returns the longest wait between two attempts computed by the backoff.
   *
   * @return a duration not shorter than {@link #initialBackoff()}
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns the randomization factor applied to each wait.
   *
   * @return a factor in {@code [0, 1)}: a wait {@code w} becomes a random value in {@code [w(1 -
   *     j), w(1 + j)]}
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Returns the longest wait a server's {@code Retry-After} can impose.
   *
   * @return a non-negative duration
   */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * Returns what waits between attempts.
   *
   * @return the sleeper
   */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** Waits between attempts; tests inject one that advances a test clock instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * Waits for the given time.
     *
     * @param duration how long to wait
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Returns a sleeper that blocks the calling thread.
     *
     * @return {@link Thread#sleep(long)} as a sleeper
     */
    static Sleeper system() {
      return d -> Thread.sleep(d.toMillis());
    }
  }

  /** Builds a {@link RetryPolicy}; every value is validated by {@link #build()}. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration maxTotalTime = Duration.ofMinutes(10);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(60);
    private double jitter = 0.5;
    private Duration maxRetryAfter = Duration.ofMinutes(5);
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    /**
     * Sets the maximum number of attempts, the first one included.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /**
     * Sets the longest time from the first attempt after which no new attempt is started.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder maxTotalTime(Duration value) {
      this.maxTotalTime = value;
      return this;
    }

    /**
     * Sets the wait before the second attempt.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder initialBackoff(Duration value) {
      this.initialBackoff = value;
      return this;
    }

    /**
     * Sets the longest wait computed by the backoff.
     *
     * @param value a duration not shorter than the initial backoff
     * @return this builder
     */
    public Builder maxBackoff(Duration value) {
      this.maxBackoff = value;
      return this;
    }

    /**
     * Sets the randomization factor of each wait.
     *
     * @param value in {@code [0, 1)}
     * @return this builder
     */
    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    /**
     * Sets the longest wait a server's {@code Retry-After} can impose.
     *
     * @param value a non-negative duration
     * @return this builder
     */
    public Builder maxRetryAfter(Duration value) {
      this.maxRetryAfter = value;
      return this;
    }

    /**
     * Sets what waits between attempts.
     *
     * @param value the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /**
     * Validates the settings and builds the policy.
     *
     * @return the policy
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the first bad setting
     */
    public RetryPolicy build() {
      if (maxAttempts < 1) {
        throw invalid("maxAttempts", String.valueOf(maxAttempts), "an integer >= 1");
      }
      requirePositive("maxTotalTime", maxTotalTime);
      requirePositive("initialBackoff", initialBackoff);
      requirePositive("maxBackoff", maxBackoff);
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw invalid("maxBackoff", String.valueOf(maxBackoff), "at least initialBackoff");
      }
      if (!(jitter >= 0.0 && jitter < 1.0)) {
        throw invalid("jitter", String.valueOf(jitter), "a factor in [0, 1)");
      }
      if (maxRetryAfter == null || maxRetryAfter.isNegative()) {
        throw invalid("maxRetryAfter", String.valueOf(maxRetryAfter), "a non-negative duration");
      }
      return new RetryPolicy(this);
    }

    private static void requirePositive(String field, Duration d) {
      SettingChecks.requirePositive("retry policy", field, d);
    }

    private static OtaException invalid(String field, String value, String expected) {
      return SettingChecks.invalid("retry policy", field, value, expected);
    }
  }
}
