package org.edgeota.samples.controller;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The settings of the reference controller, read from a properties file and overridden by
 * command-line flags.
 *
 * <p>Keys of the file: {@code bind} (address to listen on, default {@code 127.0.0.1}), {@code port}
 * (0 picks a free port), {@code store} ({@code embedded} or a {@code jdbc:postgresql:} URL), {@code
 * store.user}, {@code store.password}, {@code data.dir} (the embedded store's directory), {@code
 * artifact.dir}, {@code trust.store}, {@code admin.token}, {@code poll.interval} (seconds the
 * devices are told to wait between check-ins) and {@code tick.interval} (how often rollouts are
 * evaluated without waiting for a report, ISO-8601 duration or seconds) and {@code public.url} (the
 * base URL of the artifact links handed to devices, when they reach the controller through a proxy)
 * and {@code store.connections} (the PostgreSQL pool size of this instance, 1 to 256, default 4).
 *
 * @param bindAddress the address to listen on; never a wildcard unless asked for
 * @param port the TCP port, 0 for an ephemeral one
 * @param store {@code embedded} or a PostgreSQL JDBC URL
 * @param storeUser the PostgreSQL user, or {@code null}
 * @param storePassword the PostgreSQL password, or {@code null}
 * @param dataDir the directory of the embedded store
 * @param artifactDir the directory the payload files are served from
 * @param trustStore the trust store releases must verify against
 * @param adminToken the bearer token of the admin API
 * @param pollInterval the check-in interval the devices are told
 * @param tickInterval how often the rollout scheduler evaluates every rollout
 * @param publicUrl the base URL devices reach the controller at, or {@code null} for {@code
 *     http://<bind>:<port>}
 * @param storeConnections the PostgreSQL pool size, 1 to {@value #MAX_STORE_CONNECTIONS}; unused by
 *     the embedded store
 */
public record ControllerConfig(
    String bindAddress,
    int port,
    String store,
    String storeUser,
    String storePassword,
    Path dataDir,
    Path artifactDir,
    Path trustStore,
    String adminToken,
    Duration pollInterval,
    Duration tickInterval,
    String publicUrl,
    int storeConnections) {

  /** The value of {@code store} that selects the embedded file store. */
  public static final String EMBEDDED = "embedded";

  /** The default listen address: loopback only. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The PostgreSQL pool size when none is configured. */
  public static final int DEFAULT_STORE_CONNECTIONS = 4;

  /** The largest PostgreSQL pool size accepted. */
  public static final int MAX_STORE_CONNECTIONS = 256;

  /** The default TCP port. */
  public static final int DEFAULT_PORT = 8080;

  /**
   * Creates a configuration and checks it.
   *
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} if a value is missing or out of range
   */
  public ControllerConfig {
    bindAddress = bindAddress == null || bindAddress.isBlank() ? DEFAULT_BIND : bindAddress;
    store = store == null || store.isBlank() ? EMBEDDED : store;
    require(port >= 0 && port <= 65_535, "port", String.valueOf(port), "0..65535");
    require(
        EMBEDDED.equals(store) || store.startsWith("jdbc:postgresql:"),
        "store",
        store,
        "'embedded' or a jdbc:postgresql: URL");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(artifactDir, "artifactDir");
    Objects.requireNonNull(trustStore, "trustStore");
    require(
        adminToken != null && adminToken.length() >= 16,
        "admin.token",
        adminToken == null ? null : "<" + adminToken.length() + " chars>",
        "a secret of at least 16 characters");
    pollInterval = pollInterval == null ? Duration.ofSeconds(60) : pollInterval;
    tickInterval = tickInterval == null ? Duration.ofSeconds(1) : tickInterval;
    require(
        !pollInterval.isNegative() && !pollInterval.isZero(),
        "poll.interval",
        String.valueOf(pollInterval),
        "a positive duration");
    require(
        !tickInterval.isNegative() && !tickInterval.isZero(),
        "tick.interval",
        String.valueOf(tickInterval),
        "a positive duration");
    require(
        publicUrl == null || publicUrl.startsWith("http://") || publicUrl.startsWith("https://"),
        "public.url",
        publicUrl,
        "an http:// or https:// URL");
    require(
        storeConnections >= 1 && storeConnections <= MAX_STORE_CONNECTIONS,
        "store.connections",
        String.valueOf(storeConnections),
        "1.." + MAX_STORE_CONNECTIONS);
  }

  /**
   * Creates a configuration with the default PostgreSQL pool size.
   *
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} if a value is missing or out of range
   */
  public ControllerConfig(
      String bindAddress,
      int port,
      String store,
      String storeUser,
      String storePassword,
      Path dataDir,
      Path artifactDir,
      Path trustStore,
      String adminToken,
      Duration pollInterval,
      Duration tickInterval,
      String publicUrl) {
    this(
        bindAddress,
        port,
        store,
        storeUser,
        storePassword,
        dataDir,
        artifactDir,
        trustStore,
        adminToken,
        pollInterval,
        tickInterval,
        publicUrl,
        DEFAULT_STORE_CONNECTIONS);
  }

  /**
   * Returns whether the embedded file store is selected.
   *
   * @return {@code true} for the embedded store, {@code false} for PostgreSQL
   */
  public boolean embeddedStore() {
    return EMBEDDED.equals(store);
  }

  /**
   * Reads a properties file; relative paths in it are resolved against the file's directory.
   *
   * @param file the properties file
   * @return the raw properties
   * @throws OtaException {@link ReasonCode#IO_ERROR} if the file cannot be read
   */
  public static Properties readProperties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "config: cannot read " + file + ": " + e, e);
    }
    return p;
  }

  /**
   * Parses a span given either as ISO-8601 ({@code PT30S}) or as whole seconds ({@code 30}).
   *
   * @param field the setting's name, for the message
   * @param text the value
   * @return the span, or {@code null} if {@code text} is {@code null}
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} if the text is neither
   */
  public static Duration parseDuration(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim();
    try {
      return t.startsWith("P") || t.startsWith("p")
          ? Duration.parse(t)
          : Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (RuntimeException e) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          text,
          field + ": expected seconds or an ISO-8601 duration, found '" + text + "'",
          e);
    }
  }

  private static void require(boolean ok, String field, String value, String expected) {
    if (!ok) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          value,
          field + ": expected " + expected + ", found '" + value + "'");
    }
  }
}
