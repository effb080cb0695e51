package org.edgeota.download.internal;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Turns HTTP answers the client cannot use into attempt failures, retryable or not. */
public final class HttpStatuses {
  private HttpStatuses() {}

  /**
   * Classifies an unusable status.
   *
   * @param status the HTTP status
   * @param headers the response headers (for {@code Retry-After})
   * @param what names the request in the message, without secrets
   * @param clock the clock an HTTP-date {@code Retry-After} is measured against
   * @return a fatal failure for {@code 401}, {@code 403} and other {@code 4xx}; a retryable one for
   *     {@code 408}, {@code 425}, {@code 429} and {@code 5xx}
   */
  public static AttemptFailure failure(int status, HttpHeaders headers, String what, Clock clock) {
    if (status == 401 || status == 403) {
      return AttemptFailure.fatal(
          new OtaException(
              ReasonCode.AUTH_REJECTED,
              String.valueOf(status),
              what + ": expected access, found HTTP " + status + " (credentials refused)"));
    }
    OtaException failure =
        new OtaException(
            ReasonCode.HTTP_STATUS,
            String.valueOf(status),
            what + ": expected a successful answer, found HTTP " + status);
    if (isRetryable(status)) {
      return AttemptFailure.retryableAfter(failure, retryAfter(headers, clock));
    }
    return AttemptFailure.fatal(failure);
  }

  /**
   * Tells whether a status can change on a retry.
   *
   * @param status the HTTP status
   * @return {@code true} for 408, 425, 429 and 5xx except 501 and 505
   */
  public static boolean isRetryable(int status) {
    return status == 408
        || status == 425
        || status == 429
        || (status >= 500 && status <= 599 && status != 501 && status != 505);
  }

  /**
   * Parses {@code Retry-After} as delay-seconds or an HTTP-date.
   *
   * @param headers the response headers
   * @param clock the clock a date is measured against
   * @return the delay (never negative), or {@code null} when absent or malformed
   */
  public static Duration retryAfter(HttpHeaders headers, Clock clock) {
    String value = headers.firstValue("Retry-After").map(String::trim).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.chars().allMatch(Character::isDigit)) {
      if (value.length() > 9) {
        return Duration.ofSeconds(999_999_999L);
      }
      return Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
