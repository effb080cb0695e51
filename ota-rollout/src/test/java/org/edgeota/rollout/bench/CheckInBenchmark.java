package org.edgeota.rollout.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.edgeota.api.Component;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.Release;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.AdminApi;
import org.edgeota.rollout.ControllerStore;
import org.edgeota.rollout.DeviceApi;
import org.edgeota.rollout.RolloutEngine;
import org.edgeota.rollout.RolloutSpec;
import org.edgeota.rollout.RolloutStores;
import org.edgeota.rollout.Stage;

/**
 * Check-in and status-report throughput of the controller (not a test; run by hand):
 *
 * <pre>
 * java -cp ... org.edgeota.rollout.bench.CheckInBenchmark [devices] [checkIns]
 * </pre>
 *
 * <p>Measures, in one run and on the same machine: check-ins through {@link DeviceApi} on the
 * in-memory store and on the embedded SQLite store, and as the floor a store cannot beat, the bare
 * SQLite primary-key lookup of the device row (one prepared statement on the same file). Status
 * reports are measured on the embedded store, each committed durably ({@code synchronous=FULL}).
 */
public final class CheckInBenchmark {
  private static final String ADMIN = "bench-admin-token-0123";

  private CheckInBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional device count and check-in count
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int checkIns = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    Path dir = Files.createTempDirectory("checkin-bench");
    Path release = writeRelease(dir);

    double memory = run("in-memory", RolloutStores.inMemory(), release, devices, checkIns, false);
    Path db = dir.resolve("controller.db");
    double embedded = run("embedded", RolloutStores.embedded(db), release, devices, checkIns, true);
    double floor = rawLookups(db, devices, checkIns);

    System.out.printf(
        "%nembedded/in-memory = %.2f, embedded/raw-sqlite-lookup = %.2f%n",
        embedded / memory, embedded / floor);
  }

  private static double run(
      String name, ControllerStore store, Path release, int n, int checkIns, boolean reports) {
    RolloutEngine engine = new RolloutEngine(store, Clock.systemUTC(), CheckInBenchmark::verify);
    AdminApi admin = new AdminApi(engine, ADMIN, new SecureRandom());
    DeviceApi api = new DeviceApi(engine, "http://127.0.0.1:8080", Duration.ofMinutes(5));
    admin.addRelease(ADMIN, release);
    admin.createRollout(
        ADMIN,
        RolloutSpec.of(
            "bench",
            Version.parse("2.0.0"),
            List.of(
                new Stage("canary", 10, 5, 1_000_000, Duration.ofDays(1)),
                new Stage("full", 100, 5, 0, Duration.ZERO))));
    admin.start(ADMIN, "bench");
    List<String> tokens = new ArrayList<>();
    List<CheckRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "dev-" + i;
      tokens.add(admin.registerDevice(ADMIN, id));
      DeviceInfo info =
          new DeviceInfo(id, "gw", Version.of(1, 0, 0), Version.of(1, 0, 0), Map.of("site", "a"));
      requests.add(new CheckRequest(info, 1, Slot.A));
      api.checkIn(tokens.get(i), requests.get(i));
    }
    engine.tick();

    long offered = 0;
    long start = System.nanoTime();
    for (int i = 0; i < checkIns; i++) {
      int d = i % n;
      offered += api.checkIn(tokens.get(d), requests.get(d)).updateAvailable() ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = checkIns / seconds;
    System.out.printf(
        "%-10s %d devices, %d check-ins in %.2f s: %.0f check-ins/s (%d offers)%n",
        name, n, checkIns, seconds, rate, offered);

    if (reports) {
      int count = Math.min(n, 500);
      start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        api.status(
            tokens.get(i),
            new StatusReport(
                UUID.randomUUID().toString(),
                "dev-" + i,
                "bench",
                "2.0.0",
                UpdateState.DOWNLOADING,
                null,
                null,
                Instant.now()));
      }
      seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%-10s %d durable status reports in %.2f s: %.0f reports/s%n",
          name, count, seconds, count / seconds);
    }
    store.close();
    return rate;
  }

  private static double rawLookups(Path db, int n, int lookups) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement p =
            c.prepareStatement("SELECT token_hash FROM devices WHERE device_id = ?")) {
      long found = 0;
      long start = System.nanoTime();
      for (int i = 0; i < lookups; i++) {
        p.setString(1, "dev-" + (i % n));
        try (ResultSet rs = p.executeQuery()) {
          found += rs.next() ? 1 : 0;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = lookups / seconds;
      System.out.printf(
          "%-10s %d primary-key lookups in %.2f s: %.0f lookups/s (%d found)%n",
          "raw-sqlite", lookups, seconds, rate, found);
      return rate;
    }
  }

  private static Path writeRelease(Path dir) throws Exception {
    Path rel = Files.createDirectories(dir.resolve("release"));
    byte[] payload = "firmware".getBytes(StandardCharsets.UTF_8);
    Files.write(rel.resolve("fw.img"), payload);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    Files.writeString(rel.resolve("manifest.json"), "{\"bench\":\"" + sha + "\"}");
    return rel;
  }

  /** A stand-in verifier: the benchmark measures the controller, not signature checks. */
  private static Release verify(byte[] manifest) {
    String text = new String(manifest, StandardCharsets.UTF_8);
    String sha = text.substring(10, 74);
    return new Release(
        Version.parse("2.0.0"),
        2,
        false,
        Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2099-01-01T00:00:00Z"),
        Version.of(1, 0, 0),
        List.of("gw"),
        null,
        List.of(new Component("fw", "firmware", "fw.img", 8, sha, 0, true, List.of())));
  }
}
