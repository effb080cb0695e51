package org.edgeota.health.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.edgeota.api.spi.HealthCheck.Result;

/** Liveness of a process named by a PID file or a handle; never the agent's own process. */
public final class ProcessProbe {

  /** A PID file larger than this is not a PID file. */
  static final long MAX_PID_FILE_BYTES = 64;

  /**
   * How much later than the PID file's modification time a process may have started before the PID
   * counts as reused; covers the coarse start times the kernel reports.
   */
  static final Duration START_TIME_SLACK = Duration.ofSeconds(2);

  private ProcessProbe() {}

  /**
   * Checks the process whose PID a file holds.
   *
   * @param pidFile the PID file
   * @param detectReuse whether a process that started after the file was written fails the check
   * @return pass when the process is alive and is not the agent
   * @throws IOException when the file exists but cannot be read
   */
  public static Result fromPidFile(Path pidFile, boolean detectReuse) throws IOException {
    byte[] bytes;
    try {
      if (Files.size(pidFile) > MAX_PID_FILE_BYTES) {
        return Result.fail(
            "PID file "
                + pidFile
                + ": expected a decimal PID, found a file of "
                + Files.size(pidFile)
                + " bytes");
      }
      bytes = Files.readAllBytes(pidFile);
    } catch (NoSuchFileException e) {
      return Result.fail("PID file " + pidFile + " does not exist");
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    if (!text.matches("[0-9]{1,18}") || Long.parseLong(text) <= 0) {
      return Result.fail(
          "PID file " + pidFile + ": expected a positive decimal PID, found '" + text + "'");
    }
    long pid = Long.parseLong(text);
    if (pid == ProcessHandle.current().pid()) {
      return Result.fail(
          "PID file "
              + pidFile
              + " names the agent's own process (PID "
              + pid
              + "); the agent never counts as the checked service");
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !running(handle.get())) {
      return Result.fail("no process with PID " + pid + " from " + pidFile + " is running");
    }
    Optional<Instant> started = handle.get().info().startInstant();
    Instant written = Files.getLastModifiedTime(pidFile).toInstant();
    if (detectReuse
        && started.isPresent()
        && started.get().isAfter(written.plus(START_TIME_SLACK))) {
      return Result.fail(
          "process "
              + pid
              + " started at "
              + started.get()
              + ", after "
              + pidFile
              + " was written at "
              + written
              + ": the PID belongs to another program now");
    }
    return Result.pass("process " + pid + describeCommand(handle.get()) + " is alive");
  }

  /**
   * Checks a process by its handle.
   *
   * @param process the process
   * @return pass when the process is alive and is not the agent
   */
  public static Result fromHandle(ProcessHandle process) {
    long pid = process.pid();
    if (pid == ProcessHandle.current().pid()) {
      return Result.fail("process " + pid + " is the agent's own; refusing to check it");
    }
    if (!running(process)) {
      return Result.fail("process " + pid + " is not running");
    }
    return Result.pass("process " + pid + describeCommand(process) + " is alive");
  }

  /**
   * Tells whether a process runs: alive and, where {@code /proc} shows it, not a zombie (exited but
   * not yet reaped by its parent).
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    String text;
    try {
      text = Files.readString(stat, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return process.isAlive();
    }
    int close = text.lastIndexOf(')');
    if (close < 0 || close + 2 >= text.length()) {
      return true;
    }
    char state = text.charAt(close + 2);
    return state != 'Z' && state != 'X' && state != 'x';
  }

  private static String describeCommand(ProcessHandle process) {
    return process.info().command().map(c -> " (" + c + ")").orElse("");
  }
}
