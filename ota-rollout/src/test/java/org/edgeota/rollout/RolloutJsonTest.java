package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.junit.jupiter.api.Test;

class RolloutJsonTest {
  private final RolloutJson json = new RolloutJson();

  @Provide
  Arbitrary<RolloutSpec> specs() {
    Arbitrary<Stage> first =
        Combinators.combine(
                Arbitraries.integers().between(1, 5000),
                Arbitraries.integers().between(0, 10000),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.longs().between(0, 86_400))
            .as(
                (p, t, m, s) ->
                    new Stage("canary", p / 100.0, t / 100.0, m, Duration.ofSeconds(s)));
    return Combinators.combine(
            Arbitraries.strings().withChars("abc-._019").ofMinLength(1).ofMaxLength(20),
            first,
            Arbitraries.of(true, false),
            Arbitraries.of(Set.<String>of(), Set.of("gw"), Set.of("gw", "hub")),
            Arbitraries.of(Map.<String, String>of(), Map.of("site", "a b")))
        .as(
            (id, stage, auto, types, tags) ->
                new RolloutSpec(
                    id,
                    Version.parse("2.0.0-rc.1"),
                    new TargetFilter(types, tags),
                    List.of(stage, new Stage("full", 100, 1, 0, Duration.ZERO)),
                    auto,
                    auto ? Version.parse("1.9.1") : null,
                    auto));
  }

  @Property(tries = 200, seed = "8")
  void writeThenRead_anySpec_roundTrips(@ForAll("specs") RolloutSpec spec) {
    String text = json.writeSpec(spec);

    RolloutSpec back = json.readSpec(text);

    assertThat(back).isEqualTo(spec);
  }

  @Test
  void readSpec_minimal_usesTheDocumentedDefaults() {
    String text =
        "{\"id\":\"r\",\"release\":\"2.0.0\",\"stages\":[{\"name\":\"all\",\"percent\":100,"
            + "\"errorThresholdPercent\":5,\"minReports\":1,\"minSoak\":\"PT30M\"}]}";

    RolloutSpec spec = json.readSpec(text);

    assertThat(spec.filter()).isEqualTo(TargetFilter.all());
    assertThat(spec.autoAdvance()).isTrue();
    assertThat(spec.autoRollback()).isFalse();
    assertThat(spec.rollbackRelease()).isNull();
    assertThat(spec.stages().get(0).minSoak()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void readSpec_recordShapedDocument_withFilterAndNullRollback_isRead() {
    String text =
        "{\"id\":\"rollout-2.0.0\",\"release\":\"2.0.0\","
            + "\"filter\":{\"deviceTypes\":[\"sensor-gateway\"],\"tags\":{}},"
            + "\"stages\":[{\"name\":\"canary\",\"percent\":1,\"errorThresholdPercent\":5,"
            + "\"minReports\":5,\"minSoak\":\"PT1H\"},{\"name\":\"full\",\"percent\":100,"
            + "\"errorThresholdPercent\":2,\"minReports\":0,\"minSoak\":\"PT0S\"}],"
            + "\"autoAdvance\":true,\"rollbackRelease\":null,\"autoRollback\":false}";

    RolloutSpec spec = json.readSpec(text);

    assertThat(spec.filter().deviceTypes()).containsExactly("sensor-gateway");
    assertThat(spec.stages()).extracting(Stage::name).containsExactly("canary", "full");
    assertThat(spec.rollbackRelease()).isNull();
  }

  @Test
  void readSpec_unknownField_isRejectedNamingIt() {
    String text =
        "{\"id\":\"r\",\"release\":\"2.0.0\",\"stages\":[{\"name\":\"all\",\"percent\":100,"
            + "\"errorThreshold\":5,\"minReports\":1,\"minSoak\":\"PT0S\"}]}";

    assertThatThrownBy(() -> json.readSpec(text))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("stages[0].errorThreshold")
        .satisfies(
            e -> {
              OtaException o = (OtaException) e;
              assertThat(o.reason()).isEqualTo(ReasonCode.ROLLOUT_CONFIG_INVALID);
              assertThat(o.offendingValue()).isEqualTo("errorThreshold");
            });
  }

  /**
   * A threshold written twice was read as the last value, silently: the operator may have looked at
   * the first one. A repeated field is now an error that names where it is.
   */
  @Test
  void readSpec_fieldGivenTwiceInAStage_isRejectedNamingItsPath() {
    String text =
        "{\"id\":\"r\",\"release\":\"2.0.0\",\"stages\":[{\"name\":\"all\",\"percent\":100,"
            + "\"errorThresholdPercent\":5,\"errorThresholdPercent\":50,\"minReports\":1,"
            + "\"minSoak\":\"PT0S\"}]}";

    assertThatThrownBy(() -> json.readSpec(text))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'stages[0].errorThresholdPercent'")
        .hasMessageContaining("found it twice")
        .satisfies(
            e -> {
              OtaException o = (OtaException) e;
              assertThat(o.reason()).isEqualTo(ReasonCode.ROLLOUT_CONFIG_INVALID);
              assertThat(o.offendingValue()).isEqualTo("errorThresholdPercent");
            });
  }

  @Test
  void readSpec_topLevelFieldGivenTwice_isRejectedNamingIt() {
    String text = "{\"id\":\"r\",\"release\":\"2.0.0\",\"release\":\"3.0.0\",\"stages\":[]}";

    assertThatThrownBy(() -> json.readSpec(text))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'release'")
        .hasMessageContaining("found it twice");
  }

  @Test
  void readSpec_thresholdAsString_isRejectedNotReadAsZero() {
    String text =
        "{\"id\":\"r\",\"release\":\"2.0.0\",\"stages\":[{\"name\":\"all\",\"percent\":100,"
            + "\"errorThresholdPercent\":\"5\",\"minReports\":1,\"minSoak\":\"PT0S\"}]}";

    assertThatThrownBy(() -> json.readSpec(text))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("stages[0].errorThresholdPercent")
        .hasMessageContaining("a number");
  }

  @Test
  void readSpec_missingStages_isRejected() {
    assertThatThrownBy(() -> json.readSpec("{\"id\":\"r\",\"release\":\"2.0.0\"}"))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'stages'");
  }

  @Test
  void readSpec_notJson_isRejected() {
    assertThatThrownBy(() -> json.readSpec("{"))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ROLLOUT_CONFIG_INVALID);
  }

  @Test
  void writeRollout_snapshot_namesStateAndStage() {
    RolloutSpec spec =
        RolloutSpec.of(
            "r", Version.parse("2.0.0"), List.of(new Stage("all", 100, 5, 0, Duration.ZERO)));
    Rollout r =
        new Rollout(spec, RolloutState.PAUSED, 0, Instant.EPOCH, "why", null, Instant.EPOCH, 3);

    String text = json.writeRollout(r);

    assertThat(text)
        .contains("\"state\":\"PAUSED\"")
        .contains("\"stage\":\"all\"")
        .contains("\"reason\":\"why\"")
        .contains("\"revision\":3");
  }
}
