package org.edgeota.samples.controller.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgeota.api.Component;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.Slot;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.download.WireJson;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStoreDocument;
import org.edgeota.samples.controller.ControllerConfig;
import org.edgeota.samples.controller.ControllerServer;

/**
 * Device check-ins per second and latency through the reference controller's HTTP API on loopback,
 * with the embedded store and with PostgreSQL; the load comes from {@code wrk} in a separate
 * process. Not a test: run it with {@code samples/controller/bench.sh}.
 *
 * <p>For each store it measures, with the same wrk settings on the same server: {@code GET
 * /healthz} (Jetty answering a constant: the ceiling of the HTTP stack, the peer of the ratio),
 * check-ins of devices that get no update, and check-ins while a rollout offers every device a
 * release (the answer carries the signed manifest). The Markdown section is printed and, with
 * {@code --write DOCS}, replaces this benchmark's section of {@code docs/benchmarks.md}.
 */
public final class CheckInBenchmark {
  private static final String BEGIN = "<!-- controller-checkin-benchmark:begin -->";
  private static final String END = "<!-- controller-checkin-benchmark:end -->";
  private static final String ADMIN = "benchmark-admin-token-0123456789abcdef";

  private CheckInBenchmark() {}

  record Result(String name, double rps, String p50, String p99, long errors) {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--devices N] [--seconds S] [--connections C] [--postgres JDBC_URL] [--write
   *     docs/benchmarks.md]}
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int devices = 2000;
    int seconds = 15;
    int connections = 64;
    String postgres = "jdbc:postgresql://127.0.0.1:5432/test";
    Path write = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--devices" -> devices = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--postgres" -> postgres = args[++i];
        case "--write" -> write = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path lua = Path.of(CheckInBenchmark.class.getResource("/bench/checkin.lua").toURI());
    Path tmp = Files.createTempDirectory("checkin-bench");
    Map<String, List<Result>> results = new java.util.LinkedHashMap<>();
    results.put(
        "embedded (SQLite file)",
        run(
            tmp.resolve("embedded"),
            ControllerConfig.EMBEDDED,
            devices,
            seconds,
            connections,
            lua));
    String schema = "bench_checkin";
    try (Connection c = DriverManager.getConnection(postgres, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    String sep = postgres.contains("?") ? "&" : "?";
    results.put(
        "PostgreSQL",
        run(
            tmp.resolve("postgres"),
            postgres + sep + "currentSchema=" + schema,
            devices,
            seconds,
            connections,
            lua));
    String section = markdown(results, devices, seconds, connections);
    System.out.println(section);
    if (write != null) {
      writeSection(write, section);
      System.out.println("written to " + write);
    }
  }

  private static List<Result> run(
      Path dir, String store, int devices, int seconds, int connections, Path lua)
      throws Exception {
    Clock clock = Clock.systemUTC();
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path trust = dir.resolve("trust-store.json");
    Files.createDirectories(dir);
    Files.write(
        trust,
        TrustStoreDocument.create(
                List.of(key.trustedKey()), 1, 1, Instant.now().plus(Duration.ofDays(30)))
            .sign(key)
            .toJson());
    Path payload = dir.resolve("rootfs-2.0.0.img");
    Files.write(payload, new byte[64 * 1024]);
    Path release = dir.resolve("artifacts/2.0.0");
    var unsigned =
        ReleasePackage.builder(clock)
            .version(Version.parse("2.0.0"))
            .sequence(2)
            .expires(Instant.now().plus(Duration.ofDays(30)))
            .minAgentVersion(Version.of(0, 1, 0))
            .deviceType("gateway")
            .component("rootfs", Component.TYPE_FIRMWARE, payload, 1, true)
            .pack(release);
    ReleasePackage.writeManifest(release, ManifestSigner.sign(unsigned, key));
    ControllerConfig config =
        new ControllerConfig(
            "127.0.0.1",
            0,
            store,
            store.startsWith("jdbc:") ? "postgres" : null,
            null,
            dir.resolve("data"),
            dir.resolve("artifacts"),
            trust,
            ADMIN,
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            null);
    List<Result> out = new ArrayList<>();
    try (ControllerServer server = ControllerServer.start(config, clock)) {
      HttpClient http = HttpClient.newHttpClient();
      admin(http, server, "releases", "{\"path\":\"2.0.0\"}");
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < devices; i++) {
        String id = String.format(Locale.ROOT, "bench-%06d", i);
        String body = admin(http, server, "devices", "{\"deviceId\":\"" + id + "\"}");
        String token = body.replaceAll(".*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        String check =
            WireJson.toJson(
                new CheckRequest(
                    new DeviceInfo(
                        id, "gateway", Version.of(1, 0, 0), Version.of(0, 1, 0), Map.of()),
                    1,
                    Slot.A));
        lines.append(token).append('\t').append(check).append('\n');
      }
      Path requests = dir.resolve("requests.tsv");
      Files.writeString(requests, lines);
      String base = server.baseUri().toString();
      // Warm up the JIT and register every device's type and version once.
      wrk(base + "/api/v1/updates/check", lua, requests, 5, connections);
      out.add(
          named(
              "HTTP stack: GET /healthz",
              wrk(base + "/healthz", null, null, seconds, connections)));
      out.add(
          named(
              "check-in, no update",
              wrk(base + "/api/v1/updates/check", lua, requests, seconds, connections)));
      admin(
          http,
          server,
          "rollouts",
          "{\"id\":\"bench\",\"release\":\"2.0.0\",\"filter\":{\"deviceTypes\":[],\"tags\":{}},"
              + "\"stages\":[{\"name\":\"all\",\"percent\":100,\"errorThresholdPercent\":50,"
              + "\"minReports\":1,\"minSoak\":\"PT1H\"}],\"autoAdvance\":true,"
              + "\"rollbackRelease\":null,\"autoRollback\":false}");
      admin(http, server, "rollouts/bench/start", "");
      wrk(base + "/api/v1/updates/check", lua, requests, 5, connections); // assign everyone
      out.add(
          named(
              "check-in, update offered",
              wrk(base + "/api/v1/updates/check", lua, requests, seconds, connections)));
    }
    return out;
  }

  private static Result named(String name, Result r) {
    return new Result(name, r.rps(), r.p50(), r.p99(), r.errors());
  }

  private static String admin(HttpClient http, ControllerServer server, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/v1/admin/" + path))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("admin " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static Result wrk(String url, Path lua, Path requests, int seconds, int connections)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections));
    cmd.addAll(List.of("-d" + seconds + "s", "--latency", "--timeout", "5s"));
    if (lua != null) {
      cmd.addAll(List.of("-s", lua.toString(), url, "--", requests.toString()));
    } else {
      cmd.add(url);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("wrk failed: " + out);
    }
    return new Result(
        url,
        Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)")),
        find(out, "\\n\\s+50%\\s+(\\S+)"),
        find(out, "\\n\\s+99%\\s+(\\S+)"),
        out.contains("Non-2xx")
            ? Long.parseLong(find(out, "Non-2xx or 3xx responses:\\s+(\\d+)"))
            : 0);
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no match for " + regex + " in wrk output:\n" + text);
    }
    return m.group(1);
  }

  private static String markdown(
      Map<String, List<Result>> results, int devices, int seconds, int connections) {
    StringBuilder b = new StringBuilder();
    b.append(BEGIN).append('\n');
    b.append("## Reference controller (`samples/controller`): check-ins over HTTP\n\n");
    String intro =
        String.format(
            Locale.ROOT,
            "Measured %s on this 2-core machine: the reference controller (Jetty 12, in one JVM)"
                + " on 127.0.0.1, `wrk -t2 -c%d -d%ds --latency` in a separate process on the"
                + " same cores, %d registered devices taken round robin, each request"
                + " `POST /api/v1/updates/check` with the device's bearer token and check-in JSON."
                + " The peer is Jetty itself answering `GET /healthz` with a constant on the same"
                + " server: the ratio says how much of the HTTP stack's ceiling a check-in keeps."
                + " Reproduce with `samples/controller/bench.sh` (writes this section). Target:"
                + " 5,000 check-ins/s with the embedded store.",
            LocalDate.now(ZoneOffset.UTC),
            connections,
            seconds,
            devices);
    b.append(wrap(intro, 99)).append("\n\n");
    b.append("| store | request | requests/s | p50 | p99 | non-2xx | ratio to /healthz |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|\n");
    results.forEach(
        (store, rs) -> {
          double ceiling = rs.get(0).rps();
          for (Result r : rs) {
            b.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %s | %,.0f | %s | %s | %d | %.2f |%n",
                    store,
                    r.name(),
                    r.rps(),
                    r.p50(),
                    r.p99(),
                    r.errors(),
                    r.rps() / ceiling));
          }
        });
    b.append('\n').append(END).append('\n');
    return b.toString();
  }

  private static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    int lineLength = 0;
    for (String word : text.split(" ")) {
      if (lineLength > 0 && lineLength + 1 + word.length() > width) {
        out.append('\n');
        lineLength = 0;
      } else if (lineLength > 0) {
        out.append(' ');
        lineLength++;
      }
      out.append(word);
      lineLength += word.length();
    }
    return out.toString();
  }

  private static void writeSection(Path file, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      text = text.substring(0, begin) + section + text.substring(end + END.length() + 1);
    } else {
      text = text.stripTrailing() + "\n\n" + section;
    }
    Files.writeString(file, text);
  }
}
