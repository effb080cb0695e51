package org.edgeota.download.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code Content-Range} header of a byte range ({@code bytes first-last/total}) or of an
 * unsatisfied range ({@code bytes *}{@code /total}).
 *
 * @param first the first byte position, or {@code -1} for an unsatisfied range
 * @param last the last byte position (inclusive), or {@code -1} for an unsatisfied range
 * @param total the complete length, or {@code -1} when the server sent {@code *}
 */
public record ContentRange(long first, long last, long total) {
  private static final Pattern SATISFIED =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
  private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d{1,18})");

  /**
   * Parses a header value.
   *
   * @param header the header value, or {@code null}
   * @return the range, or {@code null} when the value is missing or malformed (including {@code
   *     last < first} or {@code last >= total})
   */
  public static ContentRange parse(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    Matcher m = SATISFIED.matcher(h);
    if (m.matches()) {
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      long total = "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
      if (last < first || (total >= 0 && last >= total)) {
        return null;
      }
      return new ContentRange(first, last, total);
    }
    Matcher u = UNSATISFIED.matcher(h);
    if (u.matches()) {
      return new ContentRange(-1, -1, Long.parseLong(u.group(1)));
    }
    return null;
  }

  /**
   * Tells whether this is the {@code bytes *}{@code /total} form.
   *
   * @return {@code true} for an unsatisfied range
   */
  public boolean unsatisfied() {
    return first < 0;
  }

  /**
   * Returns the number of bytes in the range.
   *
   * @return {@code last - first + 1}
   */
  public long length() {
    return last - first + 1;
  }
}
