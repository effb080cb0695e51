package org.edgeota.api.spi;

import java.time.Duration;

/**
 * One check of whether a newly booted release works.
 *
 * <p>A check runs inside a runner that enforces its {@link #timeout()} and retries it; the check
 * itself just answers once. A critical check that fails rolls the update back; an advisory one is
 * only reported.
 */
public interface HealthCheck {

  /**
   * Returns the check's name, used in reports.
   *
   * @return a short stable name
   */
  String name();

  /**
   * Tells whether a failure of this check must roll the update back.
   *
   * @return {@code true} for a critical check
   */
  boolean critical();

  /**
   * Returns how long one run of the check may take.
   *
   * @return a positive duration
   */
  Duration timeout();

  /**
   * Runs the check once.
   *
   * @return the outcome; a thrown exception counts as a failure with its message as detail
   * @throws Exception when the check cannot be performed
   */
  Result check() throws Exception;

  /**
   * The outcome of one run of a check.
   *
   * @param healthy whether the check passed
   * @param detail what was observed, for reports
   */
  record Result(boolean healthy, String detail) {
    /**
     * Returns a passing result.
     *
     * @param detail what was observed
     * @return a healthy result
     */
    public static Result pass(String detail) {
      return new Result(true, detail);
    }

    /**
     * Returns a failing result.
     *
     * @param detail what was observed
     * @return an unhealthy result
     */
    public static Result fail(String detail) {
      return new Result(false, detail);
    }
  }
}
