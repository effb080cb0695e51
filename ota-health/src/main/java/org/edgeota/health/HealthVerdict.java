package org.edgeota.health;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The answer of a {@link HealthRunner}: whether the booted release is healthy, with the result of
 * every check.
 *
 * <p>A verdict is healthy exactly when every critical check passed; advisory checks are reported
 * but never decide. A verdict without checks is healthy.
 *
 * @param healthy whether every critical check passed
 * @param results one result per check, in the runner's order
 */
public record HealthVerdict(boolean healthy, List<CheckResult> results) {

  /**
   * Creates a verdict and checks that {@code healthy} agrees with the results.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when {@code healthy} is not the
   *     conjunction of the critical results
   */
  public HealthVerdict {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
    boolean expected = allCriticalPassed(results);
    if (healthy != expected) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(healthy),
          "verdict field 'healthy': expected "
              + expected
              + " from the critical results, found "
              + healthy);
    }
  }

  /**
   * Returns the verdict that the given results imply.
   *
   * @param results one result per check
   * @return a verdict that is healthy exactly when every critical result passed
   */
  public static HealthVerdict of(List<CheckResult> results) {
    return new HealthVerdict(allCriticalPassed(results), results);
  }

  /**
   * Returns the critical checks that failed.
   *
   * @return the failed critical results, empty when the verdict is healthy
   */
  public List<CheckResult> failedCritical() {
    return results.stream().filter(r -> r.critical() && !r.passed()).toList();
  }

  /**
   * Returns a one-line summary for logs and status reports.
   *
   * @return for example {@code "unhealthy: 2 of 3 checks passed; failed critical: web
   *     (HEALTH_TIMEOUT)"}
   */
  public String summary() {
    long passed = results.stream().filter(CheckResult::passed).count();
    String head =
        (healthy ? "healthy" : "unhealthy")
            + ": "
            + passed
            + " of "
            + results.size()
            + " checks passed";
    List<CheckResult> failed = failedCritical();
    if (failed.isEmpty()) {
      return head;
    }
    return head
        + "; failed critical: "
        + failed.stream()
            .map(r -> r.name() + " (" + r.failure() + ")")
            .collect(Collectors.joining(", "));
  }

  private static boolean allCriticalPassed(List<CheckResult> results) {
    return results.stream().allMatch(r -> !r.critical() || r.passed());
  }
}
