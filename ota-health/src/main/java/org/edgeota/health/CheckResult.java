package org.edgeota.health;

import java.time.Duration;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The outcome of one health check over all of its attempts.
 *
 * @param name the check's name
 * @param critical whether a failure of the check makes the verdict unhealthy
 * @param passed whether an attempt passed
 * @param attempts how many attempts ran (zero when the overall deadline passed before the first)
 * @param detail what the last attempt observed, for reports
 * @param duration the time from the first attempt's start to the end of the last one, as measured
 *     by the runner's clock
 * @param failure why the check failed ({@link ReasonCode#HEALTH_TIMEOUT} for a timeout or the
 *     overall deadline, {@link ReasonCode#HEALTH_CHECK_FAILED} otherwise), or {@code null} when it
 *     passed
 */
public record CheckResult(
    String name,
    boolean critical,
    boolean passed,
    int attempts,
    String detail,
    Duration duration,
    ReasonCode failure) {

  /**
   * Creates a result and checks that its parts agree.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the name is blank, the
   *     attempts or duration are negative, or {@code failure} is not {@code null} exactly when the
   *     check failed
   */
  public CheckResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(duration, "duration");
    if (name.isBlank()) {
      throw invalid("name", name, "a non-blank name");
    }
    if (attempts < 0) {
      throw invalid("attempts", String.valueOf(attempts), "a non-negative count");
    }
    if (duration.isNegative()) {
      throw invalid("duration", duration.toString(), "a non-negative duration");
    }
    if (passed != (failure == null)) {
      throw invalid(
          "failure",
          String.valueOf(failure),
          passed ? "no failure reason for a passed check" : "a failure reason for a failed check");
    }
  }

  private static OtaException invalid(String field, String value, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        value,
        "check result field '" + field + "': expected " + expected + ", found '" + value + "'");
  }
}
