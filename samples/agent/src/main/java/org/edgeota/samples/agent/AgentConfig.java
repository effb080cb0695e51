package org.edgeota.samples.agent;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The settings of the reference agent, read from a properties file.
 *
 * <p>Keys: {@code device.id}, {@code device.type}, {@code device.tags} ({@code k=v,k=v}), {@code
 * server.url}, {@code server.token} or {@code server.token.file}, {@code trust.store}, {@code
 * fw_env.config}, {@code slot.a}, {@code slot.b}, {@code app.dir}, {@code config.dir}, {@code
 * state.dir}, {@code factory.version}, {@code factory.sequence}, {@code poll.interval} and {@code
 * poll.jitter} (seconds or ISO-8601), {@code bootlimit}, {@code reboot.command}, and the health
 * checks as {@code check.<name>.<property>} (see {@code HealthChecks.fromConfig}). Relative paths
 * are resolved against the file's directory.
 *
 * @param deviceId the device's identity, as the controller knows it
 * @param deviceType the hardware type releases are targeted at
 * @param tags the device's tags for rollout targeting
 * @param serverUrl the controller's base URL
 * @param token the device's bearer token
 * @param trustStore the trust store manifests must verify against
 * @param fwEnvConfig the {@code fw_env.config} naming the U-Boot environment
 * @param slotA the block device or image file of slot A
 * @param slotB the block device or image file of slot B
 * @param appDir the directory holding the application's versions and its {@code current} link
 * @param configDir the directory of the live configuration documents ({@code <component>.json})
 * @param stateDir the agent's journal and outbox directory
 * @param factoryVersion the release installed at the factory (used until the first commit)
 * @param factorySequence the sequence of that release (0 when unknown)
 * @param pollInterval the time between check-ins
 * @param pollJitter the most added at random to each wait, so a fleet does not call in lockstep
 * @param bootlimit the boot attempts of a trial slot before the bootloader falls back
 * @param rebootCommand the command that reboots the device
 * @param health the health-check settings ({@code check.*} keys)
 */
public record AgentConfig(
    String deviceId,
    String deviceType,
    Map<String, String> tags,
    URI serverUrl,
    String token,
    Path trustStore,
    Path fwEnvConfig,
    Path slotA,
    Path slotB,
    Path appDir,
    Path configDir,
    Path stateDir,
    String factoryVersion,
    long factorySequence,
    Duration pollInterval,
    Duration pollJitter,
    int bootlimit,
    String rebootCommand,
    Map<String, String> health) {

  /**
   * Creates a configuration and checks it.
   *
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} naming the setting that is missing or
   *     malformed
   */
  public AgentConfig {
    requireText("device.id", deviceId);
    requireText("device.type", deviceType);
    Objects.requireNonNull(serverUrl, "server.url");
    String scheme = serverUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || serverUrl.getHost() == null) {
      throw invalid("server.url", serverUrl.toString(), "an http or https URL with a host");
    }
    requireText("server.token", token);
    Objects.requireNonNull(trustStore, "trust.store");
    Objects.requireNonNull(fwEnvConfig, "fw_env.config");
    Objects.requireNonNull(slotA, "slot.a");
    Objects.requireNonNull(slotB, "slot.b");
    Objects.requireNonNull(appDir, "app.dir");
    Objects.requireNonNull(configDir, "config.dir");
    Objects.requireNonNull(stateDir, "state.dir");
    requireText("factory.version", factoryVersion);
    if (factorySequence < 0) {
      throw invalid("factory.sequence", Long.toString(factorySequence), "0 or more");
    }
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    health = health == null ? Map.of() : Map.copyOf(health);
    pollInterval = pollInterval == null ? Duration.ofMinutes(5) : pollInterval;
    pollJitter = pollJitter == null ? Duration.ZERO : pollJitter;
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw invalid("poll.interval", pollInterval.toString(), "a positive duration");
    }
    if (pollJitter.isNegative()) {
      throw invalid("poll.jitter", pollJitter.toString(), "zero or a positive duration");
    }
    if (bootlimit < 1 || bootlimit > 100) {
      throw invalid("bootlimit", Integer.toString(bootlimit), "1..100");
    }
    rebootCommand =
        rebootCommand == null || rebootCommand.isBlank() ? "systemctl reboot" : rebootCommand;
  }

  /**
   * Reads a configuration file.
   *
   * @param file the properties file
   * @return the configuration
   * @throws OtaException {@link ReasonCode#IO_ERROR} if the file (or the token file) cannot be
   *     read, {@link ReasonCode#INVALID_ARGUMENT} if a setting is missing or malformed
   */
  public static AgentConfig load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "agent config: cannot read " + file + ": " + e, e);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).strip()));
    return fromMap(m, file.toAbsolutePath().getParent());
  }

  /**
   * Builds a configuration from key-value settings.
   *
   * @param m the settings, keys as in the file
   * @param base the directory relative paths are resolved against
   * @return the configuration
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} if a setting is missing or malformed,
   *     {@link ReasonCode#IO_ERROR} if the token file cannot be read
   */
  public static AgentConfig fromMap(Map<String, String> m, Path base) {
    String token = m.get("server.token");
    if ((token == null || token.isBlank()) && m.containsKey("server.token.file")) {
      Path tf = base.resolve(m.get("server.token.file"));
      try {
        token = Files.readString(tf, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new OtaException(
            ReasonCode.IO_ERROR, tf.toString(), "server.token.file: cannot read " + tf, e);
      }
    }
    Map<String, String> health = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (k.startsWith("check.")) {
            health.put(k, v);
          }
        });
    return new AgentConfig(
        m.get("device.id"),
        m.get("device.type"),
        parseTags(m.getOrDefault("device.tags", "")),
        uri(m.get("server.url")),
        token,
        path(base, m, "trust.store"),
        path(base, m, "fw_env.config"),
        path(base, m, "slot.a"),
        path(base, m, "slot.b"),
        path(base, m, "app.dir"),
        path(base, m, "config.dir"),
        path(base, m, "state.dir"),
        m.get("factory.version"),
        integer("factory.sequence", m.getOrDefault("factory.sequence", "0")),
        duration("poll.interval", m.get("poll.interval")),
        duration("poll.jitter", m.get("poll.jitter")),
        integer("bootlimit", m.getOrDefault("bootlimit", "3")),
        m.get("reboot.command"),
        health);
  }

  /**
   * Parses a span given as whole or fractional seconds ({@code 30}) or ISO-8601 ({@code PT30S}).
   *
   * @param field the setting's name, for the message
   * @param text the value, or {@code null}
   * @return the span, or {@code null} if {@code text} is {@code null} or blank
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} if the text is neither form
   */
  public static Duration duration(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return text.startsWith("P")
          ? Duration.parse(text)
          : Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
    } catch (RuntimeException e) {
      throw invalid(field, text, "seconds or an ISO-8601 duration");
    }
  }

  private static Map<String, String> parseTags(String text) {
    Map<String, String> tags = new TreeMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw invalid("device.tags", text, "comma-separated key=value pairs");
      }
      tags.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return tags;
  }

  private static URI uri(String text) {
    if (text == null) {
      throw invalid("server.url", null, "the controller's URL");
    }
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      throw invalid("server.url", text, "a URL");
    }
  }

  private static Path path(Path base, Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      throw invalid(key, v, "a path");
    }
    return base.resolve(v);
  }

  private static int integer(String field, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(field, text, "an integer");
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(field, value, "non-blank text");
    }
  }

  private static OtaException invalid(String field, String value, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        value,
        "agent config " + field + ": expected " + expected + ", found '" + value + "'");
  }

  /**
   * Returns the configuration without the secret token, for logs.
   *
   * @return a description that never holds the token
   */
  @Override
  public String toString() {
    return "AgentConfig[deviceId="
        + deviceId
        + ", deviceType="
        + deviceType
        + ", serverUrl="
        + serverUrl
        + ", stateDir="
        + stateDir
        + "]";
  }
}
