package org.edgeota.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version 2.0.0, compared by precedence and never as a string.
 *
 * <p>Precedence follows the specification: major, minor and patch compare numerically ({@code
 * 2.10.0 > 2.9.1}); a version with a pre-release has lower precedence than the same version without
 * one ({@code 1.0.0-rc.1 < 1.0.0}); pre-release identifiers compare one by one, numeric ones
 * numerically and below alphanumeric ones; build metadata does not take part.
 *
 * <p>The natural order ({@link #compareTo}) is precedence with one extra, final tie-break on the
 * build metadata (absent first, then by text), so that it is a total order consistent with {@link
 * #equals}. Policy decisions ("is this newer?") use {@link #comparePrecedence}, which ignores build
 * metadata as the specification requires.
 */
public final class Version implements Comparable<Version> {
  private static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
  private static final int MAX_LENGTH = 256;

  private final long major;
  private final long minor;
  private final long patch;
  private final List<String> preRelease;
  private final String build;

  private Version(long major, long minor, long patch, List<String> preRelease, String build) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.preRelease = preRelease;
    this.build = build;
  }

  /**
   * Parses a semantic version.
   *
   * @param text the version, for example {@code "2.1.0-rc.1+build.7"}
   * @return the parsed version
   * @throws OtaException with {@link ReasonCode#INVALID_VERSION} naming the given text when it is
   *     not a semantic version 2.0.0 or a number does not fit in a {@code long}
   */
  public static Version parse(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      throw invalid(text, "expected a semantic version of at most " + MAX_LENGTH + " chars");
    }
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      throw invalid(text, "expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]");
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.", -1));
    return new Version(
        number(text, m.group(1)),
        number(text, m.group(2)),
        number(text, m.group(3)),
        pre,
        m.group(5));
  }

  /**
   * Creates a release version without pre-release or build metadata.
   *
   * @param major the major number, not negative
   * @param minor the minor number, not negative
   * @param patch the patch number, not negative
   * @return the version
   * @throws OtaException with {@link ReasonCode#INVALID_VERSION} if a number is negative
   */
  public static Version of(long major, long minor, long patch) {
    if (major < 0 || minor < 0 || patch < 0) {
      throw invalid(major + "." + minor + "." + patch, "expected non-negative numbers");
    }
    return new Version(major, minor, patch, List.of(), null);
  }

  private static long number(String text, String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw invalid(text, "version number '" + digits + "' is too large");
    }
  }

  private static OtaException invalid(String text, String expected) {
    return new OtaException(
        ReasonCode.INVALID_VERSION, text, "version: " + expected + ", found '" + text + "'");
  }

  /**
   * Returns the major number.
   *
   * @return the major number
   */
  public long major() {
    return major;
  }

  /**
   * Returns the minor number.
   *
   * @return the minor number
   */
  public long minor() {
    return minor;
  }

  /**
   * Returns the patch number.
   *
   * @return the patch number
   */
  public long patch() {
    return patch;
  }

  /**
   * Returns the pre-release identifiers.
   *
   * @return the identifiers, empty for a release version
   */
  public List<String> preRelease() {
    return Collections.unmodifiableList(new ArrayList<>(preRelease));
  }

  /**
   * Returns the build metadata.
   *
   * @return the build metadata without its leading {@code +}, or {@code null} if absent
   */
  public String build() {
    return build;
  }

  /**
   * Compares by semantic-versioning precedence, ignoring build metadata.
   *
   * @param other the version to compare with
   * @return a negative number, zero or a positive number as this version has lower, equal or higher
   *     precedence than {@code other}
   */
  public int comparePrecedence(Version other) {
    int c = Long.compare(major, other.major);
    if (c == 0) {
      c = Long.compare(minor, other.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, other.patch);
    }
    if (c == 0) {
      c = comparePreRelease(preRelease, other.preRelease);
    }
    return c;
  }

  /**
   * Tells whether this version has higher precedence than another.
   *
   * @param other the version to compare with
   * @return {@code true} if this version is strictly newer by precedence
   */
  public boolean isNewerThan(Version other) {
    return comparePrecedence(other) > 0;
  }

  private static int comparePreRelease(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      // A release outranks any pre-release of the same numbers.
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareIdentifier(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareIdentifier(String x, String y) {
    boolean xNum = isNumeric(x);
    boolean yNum = isNumeric(y);
    if (xNum && yNum) {
      // No leading zeros are allowed, so a longer digit string is a larger number; this
      // avoids overflow for identifiers beyond the range of long.
      int c = Integer.compare(x.length(), y.length());
      return c != 0 ? c : x.compareTo(y);
    }
    if (xNum != yNum) {
      return xNum ? -1 : 1;
    }
    return x.compareTo(y);
  }

  private static boolean isNumeric(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Compares by precedence, then by build metadata (absent first, then by text).
   *
   * @param other the version to compare with
   * @return the order of the two versions
   */
  @Override
  public int compareTo(Version other) {
    int c = comparePrecedence(other);
    if (c != 0) {
      return c;
    }
    if (build == null || other.build == null) {
      return Boolean.compare(build != null, other.build != null);
    }
    return build.compareTo(other.build);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v
        && major == v.major
        && minor == v.minor
        && patch == v.patch
        && preRelease.equals(v.preRelease)
        && Objects.equals(build, v.build);
  }

  @Override
  public int hashCode() {
    return Objects.hash(major, minor, patch, preRelease, build);
  }

  /**
   * Returns the version in its canonical text form.
   *
   * @return for example {@code "1.0.0-rc.1+b7"}
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(major).append('.').append(minor).append('.');
    sb.append(patch);
    if (!preRelease.isEmpty()) {
      sb.append('-').append(String.join(".", preRelease));
    }
    if (build != null) {
      sb.append('+').append(build);
    }
    return sb.toString();
  }
}
