package org.edgeota.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.health.internal.CommandProbe;
import org.edgeota.health.internal.FreeSpaceProbe;
import org.edgeota.health.internal.HealthConfig;
import org.edgeota.health.internal.HttpStatusProbe;
import org.edgeota.health.internal.ProcessProbe;

/**
 * Named factories for the default health checks, and {@link #fromConfig(Map)} to build them from a
 * configuration file.
 *
 * <p>Every factory returns a critical {@link ProbeCheck}; call {@link ProbeCheck#advisory()},
 * {@link ProbeCheck#withName(String)} or {@link ProbeCheck#withTimeout(Duration)} to adjust it. No
 * factory has a default host, URL, path or unit: the caller names what is checked.
 */
public final class HealthChecks {

  /** The timeout of a process or free-space check unless adjusted. */
  public static final Duration DEFAULT_LOCAL_TIMEOUT = Duration.ofSeconds(5);

  /** The timeout of an HTTP probe or a systemd check unless one is given. */
  public static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(10);

  private HealthChecks() {}

  /**
   * Returns a check that passes while the process named by a PID file is alive.
   *
   * <p>The check fails when the file is missing or does not hold a single decimal PID, when the PID
   * is the agent's own (a check must never count the agent as the service it watches), when no such
   * process is alive, and when the process started clearly after the file was last written (the PID
   * was reused by another program).
   *
   * <p>A zombie (a process that exited but was not yet reaped by its parent) does not count as
   * running where {@code /proc} shows process states.
   *
   * <p>Note: the reuse test compares the process's start time with the file's modification time,
   * both on the wall clock. On a device without a real-time clock whose clock is stepped forward
   * (by NTP) after the service wrote its PID file, a live service looks younger than its file; use
   * {@link #processAlive(Path, boolean)} with {@code false} there.
   *
   * @param pidFile the file the service writes its PID into
   * @return a critical check named {@code process:<file name>}
   */
  public static ProbeCheck processAlive(Path pidFile) {
    return processAlive(pidFile, true);
  }

  /**
   * Returns a PID-file check, with or without the test for a reused PID.
   *
   * @param pidFile the file the service writes its PID into
   * @param detectReuse whether a process that started clearly after the file was last written fails
   *     the check (a stale file from an earlier boot naming a PID that another program holds now)
   * @return a critical check named {@code process:<file name>}
   */
  public static ProbeCheck processAlive(Path pidFile, boolean detectReuse) {
    Objects.requireNonNull(pidFile, "pidFile");
    return ProbeCheck.of(
        "process:" + pidFile.getFileName(),
        DEFAULT_LOCAL_TIMEOUT,
        timeout -> ProcessProbe.fromPidFile(pidFile, detectReuse));
  }

  /**
   * Returns a check that passes while the given process is alive.
   *
   * @param process a process the agent started or looked up
   * @return a critical check named {@code process:<pid>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when {@code process} is the
   *     agent's own process
   */
  public static ProbeCheck processAlive(ProcessHandle process) {
    Objects.requireNonNull(process, "process");
    if (process.pid() == ProcessHandle.current().pid()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(process.pid()),
          "process check: expected another process than the agent's own, found the agent's PID "
              + process.pid());
    }
    return ProbeCheck.of(
        "process:" + process.pid(),
        DEFAULT_LOCAL_TIMEOUT,
        timeout -> ProcessProbe.fromHandle(process));
  }

  /**
   * Returns a check that sends {@code GET} to a URL and passes on a 2xx status.
   *
   * @param uri an {@code http} or {@code https} URL with a host
   * @return a critical check named {@code http:<host>:<port><path>} with a 10 second timeout
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the URL is not usable
   */
  public static ProbeCheck httpProbe(URI uri) {
    return httpProbe(uri, 200, 299, DEFAULT_REMOTE_TIMEOUT);
  }

  /**
   * Returns a check that sends {@code GET} to a URL and passes when the status is in a range.
   *
   * <p>Redirects are not followed (a 3xx status is compared with the range); the body is read and
   * discarded. Reports never show the URL's user information or query.
   *
   * @param uri an {@code http} or {@code https} URL with a host
   * @param minStatus the lowest passing status, from 100
   * @param maxStatus the highest passing status, up to 599
   * @param timeout the connect and response timeout, also the check's timeout
   * @return a critical check named {@code http:<host>:<port><path>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the URL, the range or the
   *     timeout is not usable
   */
  public static ProbeCheck httpProbe(URI uri, int minStatus, int maxStatus, Duration timeout) {
    HttpStatusProbe.validate(uri, minStatus, maxStatus);
    requirePositive("timeout", timeout);
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return httpProbe(uri, minStatus, maxStatus, timeout, client);
  }

  /**
   * Returns an HTTP check that uses the given client (for TLS settings, a proxy or an executor).
   *
   * @param uri an {@code http} or {@code https} URL with a host
   * @param minStatus the lowest passing status, from 100
   * @param maxStatus the highest passing status, up to 599
   * @param timeout the response timeout, also the check's timeout
   * @param client the client that sends the request
   * @return a critical check named {@code http:<host>:<port><path>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the URL, the range or the
   *     timeout is not usable
   */
  public static ProbeCheck httpProbe(
      URI uri, int minStatus, int maxStatus, Duration timeout, HttpClient client) {
    HttpStatusProbe probe = new HttpStatusProbe(uri, minStatus, maxStatus, client);
    return ProbeCheck.of(
        "http:" + probe.displayTarget(), requirePositive("timeout", timeout), probe);
  }

  /**
   * Returns a check that passes while the file store holding a path has at least the given number
   * of bytes usable.
   *
   * @param path a path on the file store to watch; it must exist when the check runs
   * @param minBytes the least usable space that passes, in bytes
   * @return a critical check named {@code free-space:<path>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when {@code minBytes} is negative
   */
  public static ProbeCheck freeSpace(Path path, long minBytes) {
    Objects.requireNonNull(path, "path");
    if (minBytes < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(minBytes),
          "free-space check 'minBytes': expected a non-negative byte count, found " + minBytes);
    }
    return ProbeCheck.of(
        "free-space:" + path,
        DEFAULT_LOCAL_TIMEOUT,
        timeout -> FreeSpaceProbe.probe(path, minBytes));
  }

  /**
   * Returns a check that passes while {@code systemctl is-active UNIT} exits with status 0.
   *
   * @param unit a systemd unit name such as {@code app.service}
   * @return a critical check named {@code systemd:<unit>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the unit name is empty,
   *     starts with {@code -}, or holds whitespace, a slash or a control character
   */
  public static ProbeCheck systemdUnitActive(String unit) {
    return systemdUnitActive(unit, CommandRunner.system());
  }

  /**
   * Returns a systemd check that runs {@code systemctl} through the given runner.
   *
   * @param unit a systemd unit name such as {@code app.service}
   * @param runner runs {@code systemctl}
   * @return a critical check named {@code systemd:<unit>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the unit name is not usable
   */
  public static ProbeCheck systemdUnitActive(String unit, CommandRunner runner) {
    CommandProbe.validateUnit(unit);
    CommandProbe probe = new CommandProbe(List.of("systemctl", "is-active", unit), runner);
    return ProbeCheck.of("systemd:" + unit, DEFAULT_REMOTE_TIMEOUT, probe);
  }

  /**
   * Returns a check that runs a program and passes when it exits with status 0.
   *
   * <p>The program is started directly, not through a shell; pass {@code sh -c ...} explicitly for
   * shell syntax. When it runs past the timeout it and its descendants are killed and the attempt
   * fails with {@link ReasonCode#HEALTH_TIMEOUT}.
   *
   * @param argv the program and its arguments
   * @param timeout how long the program may run, also the check's timeout
   * @return a critical check named {@code command:<program>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when argv is empty or the timeout
   *     is not positive
   */
  public static ProbeCheck command(List<String> argv, Duration timeout) {
    return command(argv, timeout, CommandRunner.system());
  }

  /**
   * Returns a command check that runs the program through the given runner.
   *
   * @param argv the program and its arguments
   * @param timeout how long the program may run, also the check's timeout
   * @param runner runs the program
   * @return a critical check named {@code command:<program>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when argv is empty or the timeout
   *     is not positive
   */
  public static ProbeCheck command(List<String> argv, Duration timeout, CommandRunner runner) {
    CommandProbe probe = new CommandProbe(argv, runner);
    String program = argv.get(0);
    return ProbeCheck.of(
        "command:" + program.substring(program.lastIndexOf('/') + 1),
        requirePositive("timeout", timeout),
        probe);
  }

  /**
   * Returns the checks a configuration map describes, in the order of their names.
   *
   * <p>Only keys starting with {@code check.} are read; others are ignored so that one map can also
   * configure the runner ({@link HealthRunner.Builder#config(Map)}). Each check is described by
   * keys {@code check.<name>.<property>}, where the name holds letters, digits, {@code _} and
   * {@code -}:
   *
   * <ul>
   *   <li>{@code type} (required): {@code process}, {@code http}, {@code free-space}, {@code
   *       systemd} or {@code command};
   *   <li>{@code critical}: {@code true} (default) or {@code false};
   *   <li>{@code timeout}: an ISO-8601 duration ({@code PT5S}) or a number with {@code ms}, {@code
   *       s}, {@code m} or {@code h};
   *   <li>{@code process}: {@code pid-file} (required), {@code detect-reuse} ({@code true} by
   *       default, see {@link #processAlive(Path)});
   *   <li>{@code http}: {@code url} (required), {@code expect-status} ({@code 200-299} by default,
   *       or one status such as {@code 204});
   *   <li>{@code free-space}: {@code path} and {@code min-bytes} (required; a byte count with an
   *       optional {@code K}, {@code M}, {@code G} or {@code T} suffix, powers of 1024);
   *   <li>{@code systemd}: {@code unit} (required);
   *   <li>{@code command}: {@code argv.0}, {@code argv.1}, ... (at least {@code argv.0}, no gaps).
   * </ul>
   *
   * @param config the configuration entries
   * @return the checks, sorted by name
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the key and value when a
   *     key is unknown for its check's type, a required key is missing, or a value is malformed
   */
  public static List<ProbeCheck> fromConfig(Map<String, String> config) {
    return fromConfig(config, CommandRunner.system());
  }

  /**
   * Returns the checks a configuration map describes, running commands through the given runner.
   *
   * @param config the configuration entries, as for {@link #fromConfig(Map)}
   * @param runner runs the programs of {@code systemd} and {@code command} checks
   * @return the checks, sorted by name
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the key and value when the
   *     configuration is not usable
   */
  public static List<ProbeCheck> fromConfig(Map<String, String> config, CommandRunner runner) {
    return HealthConfig.checks(config, runner, null);
  }

  /**
   * Returns the checks a configuration file describes, with relative {@code pid-file} and {@code
   * path} values resolved against the file's directory.
   *
   * @param config the configuration entries, as for {@link #fromConfig(Map)}
   * @param baseDirectory the directory relative paths are resolved against
   * @return the checks, sorted by name
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the key and value when the
   *     configuration is not usable
   */
  public static List<ProbeCheck> fromConfig(Map<String, String> config, Path baseDirectory) {
    return HealthConfig.checks(
        config, CommandRunner.system(), Objects.requireNonNull(baseDirectory, "baseDirectory"));
  }

  private static Duration requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(value),
          "health check '" + field + "': expected a positive duration, found " + value);
    }
    return value;
  }
}
