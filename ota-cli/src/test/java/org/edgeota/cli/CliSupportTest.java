package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The duration parser shared by {@code --deadline} and {@code --expires-in}. */
class CliSupportTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC);

  /** Regression: {@code 10s} and {@code 60s} were rejected; only m, h, d and ISO-8601 parsed. */
  @ParameterizedTest
  @CsvSource({"30s, PT30S", "60S, PT60S", "10m, PT10M", "12h, PT12H", "90d, P90D", "P90D, P90D"})
  void duration_suffixOrIso_parses(String text, String iso) {
    Duration d = CliSupport.duration("--deadline", text);

    assertThat(d).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "0s", "-5m", "5", "5w", "P", "PT-1S"})
  void duration_malformedOrNotPositive_isInvalidArgumentNamingOptionAndValue(String text) {
    OtaException e =
        catchThrowableOfType(() -> CliSupport.duration("--deadline", text), OtaException.class);

    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("--deadline: expected a positive duration", "'" + text);
  }

  /**
   * Regression: {@code 999999999999999d} overflowed while the days were turned into seconds, and
   * the tool printed only "ArithmeticException: long overflow" with exit status 2, naming neither
   * the option nor the value.
   */
  @ParameterizedTest
  @ValueSource(strings = {"999999999999999d", "99999999999999999999s", "PT9999999999999999H"})
  void duration_tooLongForADuration_isInvalidArgumentNamingOptionAndValue(String text) {
    OtaException e =
        catchThrowableOfType(() -> CliSupport.duration("--deadline", text), OtaException.class);

    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
    assertThat(e.getMessage())
        .contains("--deadline: expected a duration that ends before the year 1000000000")
        .contains("'" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999d", "999999999999d"})
  void fromNow_beyondLastInstant_isInvalidArgumentNamingOptionAndValue(String text) {
    Duration d = CliSupport.duration("--deadline", text);

    OtaException e =
        catchThrowableOfType(
            () -> CliSupport.fromNow("--deadline", text, d, NOW), OtaException.class);

    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("--deadline: expected", "'" + text + "'");
  }
}
