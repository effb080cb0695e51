package org.edgeota.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  @ParameterizedTest
  @CsvSource({
    "2.9.1, 2.10.0",
    "1.0.0-rc.1, 1.0.0",
    "1.0.0-alpha, 1.0.0-alpha.1",
    "1.0.0-alpha.1, 1.0.0-alpha.beta",
    "1.0.0-alpha.beta, 1.0.0-beta",
    "1.0.0-beta, 1.0.0-beta.2",
    "1.0.0-beta.2, 1.0.0-beta.11",
    "1.0.0-beta.11, 1.0.0-rc.1",
    "1.0.0-rc.9, 1.0.0-rc.10",
    "0.9.9, 1.0.0",
    "1.0.0-99999999999999999999, 1.0.0-100000000000000000000"
  })
  void comparePrecedence_lowerIsBelowHigher(String lower, String higher) {
    Version low = Version.parse(lower);
    Version high = Version.parse(higher);

    int forward = low.comparePrecedence(high);
    int backward = high.comparePrecedence(low);

    assertThat(forward).isNegative();
    assertThat(backward).isPositive();
    assertThat(high.isNewerThan(low)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"1.0.0+build.1, 1.0.0+build.2", "1.0.0, 1.0.0+x", "2.0.0-rc.1+a, 2.0.0-rc.1"})
  void comparePrecedence_ignoresBuildMetadata(String a, String b) {
    Version first = Version.parse(a);
    Version second = Version.parse(b);

    int precedence = first.comparePrecedence(second);

    assertThat(precedence).isZero();
    assertThat(first.isNewerThan(second)).isFalse();
    assertThat(first).isNotEqualTo(second);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1",
        "1.0",
        "01.0.0",
        "1.01.0",
        "1.0.0-",
        "1.0.0-01",
        "1.0.0+",
        "v1.0.0",
        "1.0.0 ",
        "1.0.0-a..b",
        "99999999999999999999.0.0",
        "1.0.0+a+b"
      })
  void parse_malformed_namesTheGivenText(String text) {
    assertThatThrownBy(() -> Version.parse(text))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_VERSION);
              assertThat(e.offendingValue()).isEqualTo(text);
              assertThat(e.getMessage()).contains("'" + text + "'");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0", "1.2.3-rc.1+build.5", "10.20.30-alpha-1.0+001", "1.0.0+0"})
  void toString_roundTripsTheCanonicalText(String text) {
    Version version = Version.parse(text);

    String printed = version.toString();

    assertThat(printed).isEqualTo(text);
    assertThat(Version.parse(printed)).isEqualTo(version);
  }
}
