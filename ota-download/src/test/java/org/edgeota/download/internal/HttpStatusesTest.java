package org.edgeota.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgeota.api.ReasonCode;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.Test;

class HttpStatusesTest {
  private final ManualClock clock = ManualClock.atNoon();

  private static HttpHeaders retryAfter(String value) {
    return HttpHeaders.of(Map.of("Retry-After", List.of(value)), (a, b) -> true);
  }

  @Test
  void retryAfter_httpDate_isTheTimeUntilThatDate() {
    Duration d = HttpStatuses.retryAfter(retryAfter("Fri, 04 Dec 2026 12:01:30 GMT"), clock);

    assertThat(d).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void retryAfter_dateInThePast_isZero() {
    Duration d = HttpStatuses.retryAfter(retryAfter("Fri, 04 Dec 2026 11:00:00 GMT"), clock);

    assertThat(d).isZero();
  }

  @Test
  void retryAfter_garbage_isIgnored() {
    assertThat(HttpStatuses.retryAfter(retryAfter("soon"), clock)).isNull();
    assertThat(HttpStatuses.retryAfter(retryAfter("-5"), clock)).isNull();
  }

  @Test
  void failure_classifiesStatuses() {
    HttpHeaders none = HttpHeaders.of(Map.of(), (a, b) -> true);

    assertThat(HttpStatuses.failure(403, none, "x", clock).isRetryable()).isFalse();
    assertThat(HttpStatuses.failure(403, none, "x", clock).failure().reason())
        .isEqualTo(ReasonCode.AUTH_REJECTED);
    assertThat(HttpStatuses.failure(404, none, "x", clock).isRetryable()).isFalse();
    assertThat(HttpStatuses.failure(501, none, "x", clock).isRetryable()).isFalse();
    assertThat(HttpStatuses.failure(429, none, "x", clock).isRetryable()).isTrue();
    assertThat(HttpStatuses.failure(503, none, "x", clock).isRetryable()).isTrue();
    assertThat(HttpStatuses.failure(408, none, "x", clock).isRetryable()).isTrue();
  }
}
