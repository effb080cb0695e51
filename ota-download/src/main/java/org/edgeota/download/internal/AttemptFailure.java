package org.edgeota.download.internal;

import java.time.Duration;
import java.util.Objects;
import org.edgeota.api.OtaException;

/**
 * The failure of one attempt, with what the retry loop needs to decide on the next one.
 *
 * <p>It never escapes the module: {@link RetryRunner} unwraps it into its {@link OtaException}.
 */
public final class AttemptFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient OtaException failure;
  private final boolean retryable;
  private final transient Duration retryAfter;
  private final boolean progressed;

  private AttemptFailure(
      OtaException failure, boolean retryable, Duration retryAfter, boolean progressed) {
    super(failure.getMessage(), failure, false, false);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.retryable = retryable;
    this.retryAfter = retryAfter;
    this.progressed = progressed;
  }

  /**
   * Returns a failure that a new attempt can overcome.
   *
   * @param failure what went wrong
   * @return the attempt failure
   */
  public static AttemptFailure retryable(OtaException failure) {
    return new AttemptFailure(failure, true, null, false);
  }

  /**
   * Returns a failure that a new attempt can overcome, after the server's requested delay.
   *
   * @param failure what went wrong
   * @param retryAfter the delay the server asked for, or {@code null}
   * @return the attempt failure
   */
  public static AttemptFailure retryableAfter(OtaException failure, Duration retryAfter) {
    return new AttemptFailure(failure, true, retryAfter, false);
  }

  /**
   * Returns a failure that no new attempt can overcome.
   *
   * @param failure what went wrong
   * @return the attempt failure
   */
  public static AttemptFailure fatal(OtaException failure) {
    return new AttemptFailure(failure, false, null, false);
  }

  /**
   * Returns a copy marked as having moved the work forward (the attempt budget starts afresh).
   *
   * @return the marked failure
   */
  public AttemptFailure withProgress() {
    return new AttemptFailure(failure, retryable, retryAfter, true);
  }

  /**
   * Returns the failure to report.
   *
   * @return the typed failure
   */
  public OtaException failure() {
    return failure;
  }

  /**
   * Tells whether a new attempt can succeed.
   *
   * @return {@code true} when retryable
   */
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * Returns the delay the server asked for.
   *
   * @return the delay, or {@code null}
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Tells whether the attempt moved the work forward before failing.
   *
   * @return {@code true} when bytes were durably added
   */
  public boolean progressed() {
    return progressed;
  }
}
