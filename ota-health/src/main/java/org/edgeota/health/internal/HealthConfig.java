package org.edgeota.health.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.health.CommandRunner;
import org.edgeota.health.HealthChecks;
import org.edgeota.health.ProbeCheck;

/**
 * Parser of the {@code check.<name>.<property>} keys documented on {@link
 * HealthChecks#fromConfig(Map)} and of the values the runner's configuration uses.
 */
public final class HealthConfig {

  /** The prefix of every check key. */
  public static final String CHECK_PREFIX = "check.";

  private static final Pattern CHECK_KEY = Pattern.compile("check\\.([A-Za-z0-9_-]+)\\.(.+)");
  private static final Pattern SPAN = Pattern.compile("([0-9]{1,12})(ms|s|m|h)");
  private static final Pattern BYTES = Pattern.compile("([0-9]{1,19})([KMGT]?)");
  private static final Pattern STATUS = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
  private static final Pattern ARGV = Pattern.compile("argv\\.(0|[1-9][0-9]{0,3})");
  private static final Set<String> COMMON = Set.of("type", "critical", "timeout");
  private static final Map<String, Set<String>> PROPERTIES =
      Map.of(
          "process", Set.of("pid-file", "detect-reuse"),
          "http", Set.of("url", "expect-status"),
          "free-space", Set.of("path", "min-bytes"),
          "systemd", Set.of("unit"),
          "command", Set.of());

  private HealthConfig() {}

  /**
   * Builds the checks the {@code check.*} keys of a map describe.
   *
   * @param config the configuration entries
   * @param runner runs the programs of systemd and command checks
   * @param baseDirectory the directory relative {@code pid-file} and {@code path} values are
   *     resolved against, or {@code null} to keep them relative to the working directory
   * @return the checks, sorted by name
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the key and value when the
   *     configuration is not usable
   */
  public static List<ProbeCheck> checks(
      Map<String, String> config, CommandRunner runner, Path baseDirectory) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(runner, "runner");
    Map<String, Map<String, String>> byName = new TreeMap<>();
    for (Map.Entry<String, String> entry : config.entrySet()) {
      String key = entry.getKey();
      if (key == null || !key.startsWith(CHECK_PREFIX)) {
        continue;
      }
      Matcher m = CHECK_KEY.matcher(key);
      if (!m.matches()) {
        throw invalid(key, "", "a key of the form check.<name>.<property>");
      }
      String value = entry.getValue() == null ? "" : entry.getValue().strip();
      byName.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(m.group(2), value);
    }
    List<ProbeCheck> checks = new ArrayList<>();
    byName.forEach(
        (name, properties) -> checks.add(check(name, properties, runner, baseDirectory)));
    return List.copyOf(checks);
  }

  private static ProbeCheck check(
      String name, Map<String, String> props, CommandRunner runner, Path base) {
    String prefix = CHECK_PREFIX + name + ".";
    String type = require(props, prefix, "type");
    Set<String> allowed = PROPERTIES.get(type);
    if (allowed == null) {
      throw invalid(prefix + "type", type, "one of process, http, free-space, systemd, command");
    }
    for (String property : props.keySet()) {
      boolean known =
          COMMON.contains(property)
              || allowed.contains(property)
              || (type.equals("command") && ARGV.matcher(property).matches());
      if (!known) {
        throw invalid(
            prefix + property,
            props.get(property),
            "a property of a " + type + " check (" + describeAllowed(type, allowed) + ")");
      }
    }
    ProbeCheck check =
        switch (type) {
          case "process" ->
              HealthChecks.processAlive(
                  path(prefix + "pid-file", props, base),
                  !props.containsKey("detect-reuse")
                      || bool(prefix + "detect-reuse", props.get("detect-reuse")));
          case "http" -> http(prefix, props);
          case "free-space" ->
              HealthChecks.freeSpace(
                  path(prefix + "path", props, base),
                  bytes(prefix + "min-bytes", require(props, prefix, "min-bytes")));
          case "systemd" -> HealthChecks.systemdUnitActive(require(props, prefix, "unit"), runner);
          default ->
              HealthChecks.command(
                  argv(prefix, props), HealthChecks.DEFAULT_REMOTE_TIMEOUT, runner);
        };
    check = check.withName(name);
    if (props.containsKey("critical")) {
      check = check.withCritical(bool(prefix + "critical", props.get("critical")));
    }
    if (props.containsKey("timeout")) {
      check = check.withTimeout(duration(prefix + "timeout", props.get("timeout")));
    }
    return check;
  }

  private static ProbeCheck http(String prefix, Map<String, String> props) {
    String url = require(props, prefix, "url");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid(prefix + "url", url, "an http or https URL");
    }
    int min = 200;
    int max = 299;
    if (props.containsKey("expect-status")) {
      String range = props.get("expect-status");
      Matcher m = STATUS.matcher(range);
      if (!m.matches()) {
        throw invalid(prefix + "expect-status", range, "a status such as 204 or a range 200-299");
      }
      min = Integer.parseInt(m.group(1));
      max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    }
    Duration timeout =
        props.containsKey("timeout")
            ? duration(prefix + "timeout", props.get("timeout"))
            : HealthChecks.DEFAULT_REMOTE_TIMEOUT;
    return HealthChecks.httpProbe(uri, min, max, timeout);
  }

  private static List<String> argv(String prefix, Map<String, String> props) {
    List<String> argv = new ArrayList<>();
    while (props.containsKey("argv." + argv.size())) {
      argv.add(props.get("argv." + argv.size()));
    }
    long given = props.keySet().stream().filter(k -> k.startsWith("argv.")).count();
    if (argv.isEmpty() || given != argv.size()) {
      throw invalid(
          prefix + "argv.0",
          String.valueOf(props.get("argv.0")),
          "argv.0, argv.1, ... numbered from 0 without gaps");
    }
    return argv;
  }

  /**
   * Parses a span: an ISO-8601 duration ({@code PT5S}) or a number with {@code ms}, {@code s},
   * {@code m} or {@code h}.
   *
   * @param key the key, for the error message
   * @param value the text
   * @return a positive duration
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the text is not a positive
   *     span
   */
  public static Duration duration(String key, String value) {
    Duration parsed = null;
    String text = value == null ? "" : value.strip();
    Matcher m = SPAN.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      parsed =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
    } else if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        parsed = Duration.parse(text);
      } catch (DateTimeParseException e) {
        parsed = null;
      }
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw invalid(key, text, "a positive duration such as PT5S, 500ms, 5s, 2m or 1h");
    }
    return parsed;
  }

  /**
   * Parses a non-negative integer.
   *
   * @param key the key, for the error message
   * @param value the text
   * @return the number
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the text is not one
   */
  public static int nonNegativeInt(String key, String value) {
    String text = value == null ? "" : value.strip();
    if (!text.matches("[0-9]{1,9}")) {
      throw invalid(key, text, "a non-negative integer");
    }
    return Integer.parseInt(text);
  }

  private static long bytes(String key, String value) {
    Matcher m = BYTES.matcher(value);
    if (!m.matches()) {
      throw invalid(key, value, "a byte count such as 1048576 or 512M");
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    try {
      long amount = Long.parseLong(m.group(1));
      if (amount > (Long.MAX_VALUE >> shift)) {
        throw new ArithmeticException("overflow");
      }
      return amount << shift;
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(key, value, "a byte count below 2^63");
    }
  }

  private static boolean bool(String key, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, value, "true or false");
    };
  }

  private static Path path(String key, Map<String, String> props, Path base) {
    String property = key.substring(key.lastIndexOf('.') + 1);
    String value = props.get(property);
    if (value == null || value.isEmpty()) {
      throw invalid(key, "", "a path");
    }
    try {
      Path path = Path.of(value);
      return base == null || path.isAbsolute() ? path : base.resolve(path);
    } catch (InvalidPathException e) {
      throw invalid(key, value, "a path");
    }
  }

  private static String require(Map<String, String> props, String prefix, String property) {
    String value = props.get(property);
    if (value == null || value.isEmpty()) {
      throw invalid(prefix + property, "", "a value (the key is required)");
    }
    return value;
  }

  private static String describeAllowed(String type, Set<String> allowed) {
    List<String> names = new ArrayList<>(List.of("critical", "timeout", "type"));
    names.addAll(allowed.stream().sorted().toList());
    if (type.equals("command")) {
      names.add("argv.<n>");
    }
    return String.join(", ", names);
  }

  private static OtaException invalid(String key, String value, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        value,
        "health config '" + key + "': expected " + expected + ", found '" + value + "'");
  }
}
