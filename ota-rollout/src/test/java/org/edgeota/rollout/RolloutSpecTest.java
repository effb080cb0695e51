package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.junit.jupiter.api.Test;

class RolloutSpecTest {
  private static final Version V = Version.parse("2.0.0");

  private static Stage stage(String name, double percent) {
    return new Stage(name, percent, 5, 1, Duration.ZERO);
  }

  @Test
  void stages_notIncreasing_areRejectedNamingTheField() {
    List<Stage> stages = List.of(stage("a", 50), stage("b", 50));

    assertThatThrownBy(() -> RolloutSpec.of("r", V, stages))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("stages[1].percent")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ROLLOUT_CONFIG_INVALID);
  }

  @Test
  void stage_thresholdAboveHundred_isRejected() {
    assertThatThrownBy(() -> new Stage("a", 10, 100.5, 1, Duration.ZERO))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("errorThresholdPercent")
        .hasMessageContaining("100.5");
  }

  @Test
  void stage_thresholdNotANumber_isRejectedNotTreatedAsNeverTripped() {
    assertThatThrownBy(() -> new Stage("a", 10, Double.NaN, 1, Duration.ZERO))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void stage_percentBelowResolution_isRejected() {
    assertThatThrownBy(() -> new Stage("a", 0.001, 1, 1, Duration.ZERO))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("percent");
  }

  @Test
  void stage_negativeSoak_isRejected() {
    assertThatThrownBy(() -> new Stage("a", 10, 1, 1, Duration.ofSeconds(-1)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("minSoak");
  }

  @Test
  void spec_duplicateStageNames_areRejected() {
    assertThatThrownBy(() -> RolloutSpec.of("r", V, List.of(stage("a", 10), stage("a", 20))))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("stages[1].name");
  }

  @Test
  void spec_idWithSlash_isRejected() {
    assertThatThrownBy(() -> RolloutSpec.of("a/b", V, List.of(stage("a", 10))))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'id'");
  }

  @Test
  void spec_autoRollbackWithoutRelease_isRejected() {
    assertThatThrownBy(
            () ->
                new RolloutSpec(
                    "r", V, TargetFilter.all(), List.of(stage("a", 10)), true, null, true))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("rollbackRelease");
  }

  @Test
  void stage_cutoffAndThreshold_useHundredthsOfAPercent() {
    Stage s = new Stage("a", 12.34, 2.5, 0, Duration.ZERO);

    assertThat(s.cutoff()).isEqualTo(1234);
    assertThat(s.thresholdBasisPoints()).isEqualTo(250);
  }
}
