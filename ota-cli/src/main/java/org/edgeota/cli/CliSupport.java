package org.edgeota.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Small helpers shared by the release commands: times, durations, atomic file writes. */
final class CliSupport {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  private CliSupport() {}

  /**
   * Parses a UTC instant such as {@code 2026-07-30T10:00:00Z}.
   *
   * @param option the option name, for messages
   * @param text the text
   * @return the instant
   */
  static Instant instant(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          text,
          option + ": expected a UTC instant like 2026-07-30T10:00:00Z, found '" + text + "'");
    }
  }

  /**
   * Parses a duration: a positive number with {@code s}, {@code m}, {@code h} or {@code d}
   * (seconds, minutes, hours, days), or ISO-8601 ({@code PT30S}, {@code PT12H}, {@code P90D}).
   *
   * @param option the option name, for messages
   * @param text the text
   * @return the positive duration
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the option and the text
   *     when it is malformed, not positive, or too long to be represented
   */
  static Duration duration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      Matcher m = DURATION.matcher(t);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
      } else if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        throw malformedDuration(option, text);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // Only digits reach these: the number does not fit.
      throw tooLong(option, text);
    } catch (DateTimeParseException e) {
      if (e.getCause() instanceof ArithmeticException
          || e.getCause() instanceof NumberFormatException) {
        throw tooLong(option, text);
      }
      throw malformedDuration(option, text);
    }
    if (d.isNegative() || d.isZero()) {
      throw malformedDuration(option, text);
    }
    return d;
  }

  /**
   * Returns the instant a duration from now ends at.
   *
   * @param option the option name, for messages
   * @param text the option's text, for messages
   * @param duration the parsed duration
   * @param clock the clock giving now
   * @return now plus {@code duration}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when that instant lies beyond the
   *     largest representable one
   */
  static Instant fromNow(String option, String text, Duration duration, Clock clock) {
    try {
      return clock.instant().plus(duration);
    } catch (DateTimeException | ArithmeticException e) {
      throw tooLong(option, text);
    }
  }

  private static OtaException malformedDuration(String option, String text) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        text,
        option
            + ": expected a positive duration like 30s, 10m, 12h, 90d or P90D, found '"
            + text
            + "'");
  }

  private static OtaException tooLong(String option, String text) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        text,
        option
            + ": expected a duration that ends before the year 1000000000, found '"
            + text
            + "'");
  }

  /**
   * Returns the expiry given by an instant or a duration from now.
   *
   * @param expires the {@code --expires} text or {@code null}
   * @param expiresIn the {@code --expires-in} text or {@code null}
   * @param fallback the expiry when neither is given
   * @param clock the clock
   * @return the expiry
   */
  static Instant expiry(String expires, String expiresIn, Instant fallback, Clock clock) {
    if (expires != null && expiresIn != null) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          expires,
          "--expires and --expires-in: expected at most one, found both");
    }
    if (expires != null) {
      return instant("--expires", expires);
    }
    if (expiresIn != null) {
      return fromNow("--expires-in", expiresIn, duration("--expires-in", expiresIn), clock);
    }
    return fallback;
  }

  /**
   * Returns the clock a command evaluates time with.
   *
   * @param now the {@code --now} text or {@code null} for the system clock
   * @return the clock
   */
  static Clock clock(String now) {
    return now == null ? Clock.systemUTC() : Clock.fixed(instant("--now", now), ZoneOffset.UTC);
  }

  /**
   * Writes a file atomically: temp file, fsync, rename, fsync of the directory.
   *
   * @param target the file
   * @param content the bytes
   */
  static void writeAtomically(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try {
        Files.write(tmp, content, StandardOpenOption.WRITE);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
          ch.force(true);
        } catch (IOException e) {
          // Directories cannot be opened for fsync on every platform; the rename stays atomic.
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, target.toString(), "cannot write '" + target + "': " + e, e);
    }
  }

  /**
   * Fails if a file exists and overwriting was not asked for.
   *
   * @param file the file
   * @param force whether overwriting is allowed
   */
  static void refuseOverwrite(Path file, boolean force) {
    if (!force && Files.exists(file)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          file.toString(),
          "output: expected a new file, found existing '" + file + "' (use --force to replace)");
    }
  }
}
