package org.edgeota.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatorTest {
  private static HttpHeaders headers(String... nameValue) {
    Map<String, List<String>> map = new HashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      map.put(nameValue[i], List.of(nameValue[i + 1]));
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }

  @Test
  void of_strongEtag_isChosenOverLastModified() {
    HttpHeaders h =
        headers(
            "ETag", "\"abc\"",
            "Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT",
            "Date", "Fri, 04 Dec 2026 10:00:00 GMT");

    assertThat(Validator.of(h)).contains(new Validator(Validator.ETAG, "\"abc\""));
  }

  @Test
  void of_weakEtagWithOldLastModified_fallsBackToLastModified() {
    HttpHeaders h =
        headers(
            "ETag", "W/\"abc\"",
            "Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT",
            "Date", "Fri, 04 Dec 2026 10:00:00 GMT");

    assertThat(Validator.of(h))
        .contains(new Validator(Validator.LAST_MODIFIED, "Tue, 01 Dec 2026 10:00:00 GMT"));
  }

  @Test
  void of_lastModifiedWithinSixtySecondsOfDate_isWeakAndNotUsed() {
    HttpHeaders h =
        headers(
            "Last-Modified", "Fri, 04 Dec 2026 09:59:30 GMT",
            "Date", "Fri, 04 Dec 2026 10:00:00 GMT");

    assertThat(Validator.of(h)).isEmpty();
  }

  @Test
  void of_lastModifiedWithoutDate_isNotUsed() {
    HttpHeaders h = headers("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");

    assertThat(Validator.of(h)).isEmpty();
  }

  @Test
  void of_unquotedEtag_isNotStrong() {
    HttpHeaders h = headers("ETag", "abc");

    assertThat(Validator.of(h)).isEmpty();
  }
}
