package org.edgeota.samples.controller;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of the reference controller: {@code java -jar ota-controller.jar --config
 * controller.properties [flags]}. Flags override the file.
 */
@Command(
    name = "ota-controller",
    mixinStandardHelpOptions = true,
    description = "Edge OTA reference controller: device API, admin API, artifacts, /metrics.",
    footer = {
      "",
      "Keys of the --config file (flags override them):",
      "  bind              address to listen on (default 127.0.0.1)",
      "  port              TCP port (default 8080; 0 picks a free one)",
      "  public.url        base URL of the artifact links handed to devices",
      "  store             'embedded' (default) or a jdbc:postgresql: URL",
      "  store.user        PostgreSQL user",
      "  store.password    PostgreSQL password (or set OTA_STORE_PASSWORD)",
      "  store.connections PostgreSQL connections of this instance, 1-256 (default 4)",
      "  data.dir          directory of the embedded store (default data)",
      "  artifact.dir      directory of the release directories (default artifacts)",
      "  trust.store       trust store releases must verify against",
      "  admin.token.file  file holding the admin token",
      "  admin.token       the admin token itself (or set OTA_ADMIN_TOKEN)",
      "  poll.interval     how often devices check in: seconds or ISO-8601 (default 60)",
      "  tick.interval     how often rollouts are judged: seconds/ISO-8601 (default 1)"
    })
public final class ControllerMain implements Callable<Integer> {
  @Option(
      names = "--config",
      description =
          "Properties file (keys below); relative paths in it resolve against its directory.")
  Path configFile;

  @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1).")
  String bind;

  @Option(names = "--port", description = "TCP port (default 8080; 0 picks a free one).")
  Integer port;

  @Option(names = "--store", description = "'embedded' (default) or a jdbc:postgresql: URL.")
  String store;

  @Option(names = "--store-user", description = "PostgreSQL user.")
  String storeUser;

  @Option(
      names = "--store-connections",
      description = "PostgreSQL connections of this instance, 1-256 (default 4).")
  Integer storeConnections;

  @Option(names = "--data-dir", description = "Directory of the embedded store (default data).")
  Path dataDir;

  @Option(names = "--artifact-dir", description = "Directory of the release directories.")
  Path artifactDir;

  @Option(names = "--trust-store", description = "Trust store releases must verify against.")
  Path trustStore;

  @Option(
      names = "--admin-token-file",
      description = "File holding the admin token (or set OTA_ADMIN_TOKEN).")
  Path adminTokenFile;

  @Option(names = "--public-url", description = "Base URL devices reach this controller at.")
  String publicUrl;

  @Option(
      names = "--poll-interval",
      description = "How often devices are told to check in: seconds or ISO-8601 (default 60).")
  String pollInterval;

  @Option(
      names = "--tick-interval",
      description =
          "How often rollouts are evaluated without a report: seconds or ISO-8601 (default 1).")
  String tickInterval;

  /**
   * Runs the controller.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "ota-controller-logback.xml");
    }
    CommandLine cl = new CommandLine(new ControllerMain());
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof OtaException oe) {
            line.getErr().println("ota-controller: " + oe.getMessage());
            return 2;
          }
          throw e;
        });
    int status = cl.execute(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  @Override
  public Integer call() throws Exception {
    ControllerConfig config = config();
    ControllerServer server = ControllerServer.start(config, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "controller-shutdown"));
    System.out.println("ota-controller: listening at " + server.baseUri());
    server.join();
    return 0;
  }

  ControllerConfig config() throws java.io.IOException {
    Properties p =
        configFile == null ? new Properties() : ControllerConfig.readProperties(configFile);
    Path base = configFile == null ? Path.of("") : configFile.toAbsolutePath().getParent();
    String token = System.getenv("OTA_ADMIN_TOKEN");
    Path tokenFile =
        adminTokenFile != null
            ? adminTokenFile
            : p.getProperty("admin.token.file") == null
                ? null
                : base.resolve(p.getProperty("admin.token.file"));
    if (tokenFile != null) {
      token = java.nio.file.Files.readString(tokenFile).strip();
    } else if (token == null) {
      token = p.getProperty("admin.token");
    }
    return new ControllerConfig(
        bind != null ? bind : p.getProperty("bind"),
        port != null
            ? port
            : Integer.parseInt(
                p.getProperty("port", Integer.toString(ControllerConfig.DEFAULT_PORT))),
        store != null ? store : p.getProperty("store"),
        storeUser != null ? storeUser : p.getProperty("store.user"),
        System.getenv().getOrDefault("OTA_STORE_PASSWORD", p.getProperty("store.password")),
        path(base, dataDir, p.getProperty("data.dir", "data")),
        path(base, artifactDir, p.getProperty("artifact.dir", "artifacts")),
        path(base, trustStore, p.getProperty("trust.store", "trust-store.json")),
        token,
        pollInterval != null
            ? ControllerConfig.parseDuration("--poll-interval", pollInterval)
            : ControllerConfig.parseDuration("poll.interval", p.getProperty("poll.interval")),
        tickInterval != null
            ? ControllerConfig.parseDuration("--tick-interval", tickInterval)
            : ControllerConfig.parseDuration("tick.interval", p.getProperty("tick.interval")),
        publicUrl != null ? publicUrl : p.getProperty("public.url"),
        storeConnections != null
            ? storeConnections
            : intProperty(p, "store.connections", ControllerConfig.DEFAULT_STORE_CONNECTIONS));
  }

  private static int intProperty(Properties p, String key, int fallback) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    String t = v.trim();
    // Plain ASCII digits only: Integer.parseInt also takes '+5' and other scripts' digits.
    if (!t.matches("[0-9]{1,9}")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT, v, key + ": expected a whole number, found '" + v + "'");
    }
    return Integer.parseInt(t);
  }

  private static Path path(Path base, Path flag, String fromFile) {
    return flag != null ? flag : base.resolve(fromFile);
  }
}
