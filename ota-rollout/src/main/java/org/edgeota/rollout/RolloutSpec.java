package org.edgeota.rollout;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;

/**
 * What an administrator asks for when creating a rollout.
 *
 * @param id the rollout id: 1 to 64 characters of letters, digits, {@code .}, {@code _}, {@code -}
 * @param release the version of the release to roll out (added to the controller beforehand)
 * @param filter which devices the rollout targets
 * @param stages the stages, with strictly increasing cumulative percentages
 * @param autoAdvance whether the engine advances a stage by itself once its soak time and report
 *     count are reached
 * @param rollbackRelease the signed downgrade release used by a fleet rollback, or {@code null}
 * @param autoRollback whether a threshold breach rolls the fleet back instead of pausing
 */
public record RolloutSpec(
    String id,
    Version release,
    TargetFilter filter,
    List<Stage> stages,
    boolean autoAdvance,
    Version rollbackRelease,
    boolean autoRollback) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Validates the definition.
   *
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} naming the field and value
   *     when the id, the stage order, or the rollback settings are invalid
   */
  public RolloutSpec {
    if (id == null || !ID.matcher(id).matches()) {
      throw invalid("id", id, "1 to 64 characters of [A-Za-z0-9._-]");
    }
    Objects.requireNonNull(release, "release");
    filter = filter == null ? TargetFilter.all() : filter;
    if (stages == null || stages.isEmpty()) {
      throw invalid("stages", stages, "at least one stage");
    }
    stages = List.copyOf(stages);
    Set<String> names = new HashSet<>();
    int previous = 0;
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      if (!names.add(stage.name())) {
        throw invalid("stages[" + i + "].name", stage.name(), "a name unique in the rollout");
      }
      if (stage.cutoff() <= previous) {
        throw invalid(
            "stages[" + i + "].percent",
            stage.percent(),
            "a percentage above the previous stage's " + previous / 100.0);
      }
      previous = stage.cutoff();
    }
    if (autoRollback && rollbackRelease == null) {
      throw invalid("rollbackRelease", null, "a release version when autoRollback is set");
    }
  }

  /**
   * Returns a spec with the given stages, targeting every device, advancing automatically, without
   * a rollback release.
   *
   * @param id the rollout id
   * @param release the release version
   * @param stages the stages
   * @return the spec
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} when invalid
   */
  public static RolloutSpec of(String id, Version release, List<Stage> stages) {
    return new RolloutSpec(id, release, TargetFilter.all(), stages, true, null, false);
  }

  private static OtaException invalid(String field, Object value, String expected) {
    return new OtaException(
        ReasonCode.ROLLOUT_CONFIG_INVALID,
        String.valueOf(value),
        "rollout field '" + field + "': expected " + expected + ", found " + value);
  }
}
