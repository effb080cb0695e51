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
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Small helpers shared by the release commands: times, durations, atomic file writes. */
final class CliSupport {
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
   * Parses a duration: ISO-8601 ({@code P90D}, {@code PT12H}) or a number with {@code d}, {@code h}
   * or {@code m}.
   *
   * @param option the option name, for messages
   * @param text the text
   * @return the positive duration
   */
  static Duration duration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.endsWith("d")) {
        d = Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else {
        throw new NumberFormatException(t);
      }
      if (d.isNegative() || d.isZero()) {
        throw new NumberFormatException(t);
      }
      return d;
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          text,
          option + ": expected a positive duration like 90d, 12h or P90D, found '" + text + "'");
    }
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
      Duration d = duration("--expires-in", expiresIn);
      try {
        return clock.instant().plus(d);
      } catch (DateTimeException | ArithmeticException e) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            expiresIn,
            "--expires-in: expected a duration that ends before the year 1000000000, found '"
                + expiresIn
                + "'");
      }
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
