package org.edgeota.download.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A strong validator of a representation, usable in {@code If-Range}: a strong entity tag, or else
 * a {@code Last-Modified} date that is strong by the rule of RFC 9110 (at least 60 seconds older
 * than the response's {@code Date}).
 *
 * @param kind {@code "etag"} or {@code "last-modified"}
 * @param value the header value exactly as the server sent it
 */
public record Validator(String kind, String value) {
  /** The kind of a validator taken from {@code ETag}. */
  public static final String ETAG = "etag";

  /** The kind of a validator taken from {@code Last-Modified}. */
  public static final String LAST_MODIFIED = "last-modified";

  private static final Duration STRONG_DATE_MARGIN = Duration.ofSeconds(60);

  /**
   * Extracts the strong validator of a response.
   *
   * @param headers the response headers
   * @return the strong ETag if present, else a strong Last-Modified, else empty
   */
  public static Optional<Validator> of(HttpHeaders headers) {
    Optional<String> etag = headers.firstValue("ETag").map(String::trim);
    if (etag.isPresent() && isStrongEtag(etag.get())) {
      return Optional.of(new Validator(ETAG, etag.get()));
    }
    Optional<String> lastModified = headers.firstValue("Last-Modified").map(String::trim);
    Optional<String> date = headers.firstValue("Date").map(String::trim);
    if (lastModified.isEmpty() || date.isEmpty()) {
      return Optional.empty();
    }
    try {
      ZonedDateTime lm =
          ZonedDateTime.parse(lastModified.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
      ZonedDateTime d = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
      if (!lm.plus(STRONG_DATE_MARGIN).isAfter(d)) {
        return Optional.of(new Validator(LAST_MODIFIED, lastModified.get()));
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Returns the value of the same kind in a later response, to compare with this one.
   *
   * @param headers the later response's headers
   * @return that header's value, or empty when the later response has none
   */
  public Optional<String> counterpartIn(HttpHeaders headers) {
    String name = ETAG.equals(kind) ? "ETag" : "Last-Modified";
    return headers.firstValue(name).map(String::trim);
  }

  private static boolean isStrongEtag(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"");
  }
}
