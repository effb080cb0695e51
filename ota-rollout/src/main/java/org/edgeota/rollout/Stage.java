package org.edgeota.rollout;

import java.time.Duration;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * One stage of a staged rollout.
 *
 * <p>Percentages have a resolution of 0.01 %: a stage covers the buckets {@code [0, cutoff)} of the
 * 10,000 buckets of {@link Buckets}, where {@code cutoff = round(percent * 100)}.
 *
 * @param name a short name, for example {@code "canary"}
 * @param percent the cumulative share of the rollout's population this stage reaches, in {@code (0,
 *     100]}
 * @param errorThresholdPercent the error rate in {@code [0, 100]} that the rollout may reach; a
 *     rate strictly above it pauses the rollout
 * @param minReports how many outcome reports the rollout needs before it judges this stage (capped
 *     at the number of devices the stage can reach)
 * @param minSoak how long the stage runs at least before an automatic advance
 */
public record Stage(
    String name, double percent, double errorThresholdPercent, int minReports, Duration minSoak) {

  /**
   * Validates the stage.
   *
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} naming the field and value
   *     when a field is out of range
   */
  public Stage {
    if (name == null || name.isBlank()) {
      throw invalid("name", name, "non-blank text");
    }
    if (!(percent > 0 && percent <= 100) || Math.round(percent * 100) == 0) {
      throw invalid("percent", percent, "a number in (0, 100] of at least 0.01");
    }
    if (!(errorThresholdPercent >= 0 && errorThresholdPercent <= 100)) {
      throw invalid("errorThresholdPercent", errorThresholdPercent, "a number in [0, 100]");
    }
    if (minReports < 0) {
      throw invalid("minReports", minReports, "a non-negative integer");
    }
    Objects.requireNonNull(minSoak, "minSoak");
    if (minSoak.isNegative()) {
      throw invalid("minSoak", minSoak, "a non-negative duration");
    }
  }

  /**
   * Returns the exclusive upper bucket bound this stage reaches.
   *
   * @return {@code round(percent * 100)}, in {@code [1, 10000]}
   */
  public int cutoff() {
    return (int) Math.round(percent * 100);
  }

  /**
   * Returns the error threshold in basis points (hundredths of a percent).
   *
   * @return {@code round(errorThresholdPercent * 100)}, in {@code [0, 10000]}
   */
  public long thresholdBasisPoints() {
    return Math.round(errorThresholdPercent * 100);
  }

  private static OtaException invalid(String field, Object value, String expected) {
    return new OtaException(
        ReasonCode.ROLLOUT_CONFIG_INVALID,
        String.valueOf(value),
        "stage field '" + field + "': expected " + expected + ", found " + value);
  }
}
