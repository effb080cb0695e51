package org.edgeota.samples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.edgeota.api.Version;
import org.edgeota.download.RetryPolicy;
import org.edgeota.rollout.Assignment;
import org.edgeota.rollout.Buckets;
import org.edgeota.rollout.DeviceRecord;
import org.edgeota.rollout.OutcomeCounts;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutState;
import org.edgeota.samples.controller.ControllerConfig;
import org.edgeota.samples.controller.ControllerServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command fleet demo: signs three releases of a sensor gateway, starts the reference
 * controller on loopback, provisions a fleet of simulated devices on real image files and rolls
 * 2.0.0 out to all of them through four stages, then rolls out a broken 2.1.0 that the bootloader's
 * boot counting takes back and the canary's error threshold stops.
 *
 * <p>Exit status 0 when every expectation held, 1 when one failed, 2 for bad arguments.
 */
@Command(
    name = "ota-demo",
    mixinStandardHelpOptions = true,
    description = "Edge OTA fleet demo: staged rollout of signed releases to simulated devices.")
public final class FleetDemo implements Callable<Integer> {
  private static final String MARKER = ".ota-demo";
  private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(150);

  @Option(names = "--devices", description = "Number of devices (default ${DEFAULT-VALUE}).")
  int devices = 20;

  @Option(
      names = "--workdir",
      description =
          "Work directory (default ${DEFAULT-VALUE}); replaced if it holds an earlier run.")
  Path workdir = Path.of("demo-work");

  @Option(
      names = "--raw-images",
      hidden = true,
      description = "Build raw images as on a machine without mke2fs.")
  boolean rawImages;

  @Option(
      names = "--threads",
      description = "Devices simulated at once (default ${DEFAULT-VALUE}).")
  int threads = 4;

  private final PrintStream out;
  private final Clock clock = Clock.systemUTC();
  private final List<Expectation> expectations = new ArrayList<>();

  /** Creates the demo printing to standard output. */
  public FleetDemo() {
    this(System.out);
  }

  FleetDemo(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the demo.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the demo and returns its exit status instead of exiting.
   *
   * @param args the command-line arguments
   * @return 0 when every expectation held
   */
  public static int run(String... args) {
    return new CommandLine(new FleetDemo()).execute(args);
  }

  record Expectation(String name, boolean passed, String detail) {}

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || devices > 500) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--devices: expected 1..500, found " + devices);
    }
    if (threads < 1 || threads > 64) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--threads: expected 1..64, found " + threads);
    }
    long started = System.nanoTime();
    Path dir = prepareWorkdir(workdir.toAbsolutePath().normalize());
    System.setProperty("ota.demo.log", dir.resolve("demo.log").toString());
    out.printf("Edge OTA fleet demo: %d devices in %s (log: demo.log)%n%n", devices, dir);

    // 1. Keys and trust store.
    out.println("[1/7] signing keys and trust store");
    DemoReleases releases = new DemoReleases(clock);
    Path trustStore = releases.writeKeysAndTrustStore(dir.resolve("keys"));
    out.println("      Ed25519 + ECDSA P-256 keys, trust store threshold 2: keys/trust-store.json");

    // 2. Releases.
    out.println("[2/7] building and signing releases 1.0.0, 2.0.0 and 2.1.0 (broken)");
    Optional<Path> mke2fs = rawImages ? Optional.empty() : Tools.find("mke2fs");
    if (mke2fs.isEmpty()) {
      out.println("      mke2fs not found: falling back to raw root file system images");
    }
    DemoImages images = new DemoImages(mke2fs.orElse(null));
    Path scratch = Files.createDirectories(dir.resolve("build"));
    Path payloads = scratch.resolve("payloads");
    Path artifacts = dir.resolve("controller/artifacts");
    DemoImages.Payloads p1 = images.build("1.0.0", true, payloads.resolve("1.0.0"), scratch);
    DemoImages.Payloads p2 = images.build("2.0.0", true, payloads.resolve("2.0.0"), scratch);
    DemoImages.Payloads p3 = images.build("2.1.0", false, payloads.resolve("2.1.0"), scratch);
    DemoReleases.Built r1 =
        releases.pack("1.0.0", 1, p1, null, null, artifacts.resolve("1.0.0"), scratch);
    DemoReleases.Built r2 =
        releases.pack("2.0.0", 2, p2, p1, "1.0.0", artifacts.resolve("2.0.0"), scratch);
    releases.pack("2.1.0", 3, p3, null, null, artifacts.resolve("2.1.0"), scratch);
    out.printf(
        "      %s root file systems of %d KiB, application .tar.gz, config JSON;"
            + " bsdiff delta 1.0.0 -> 2.0.0: %s%n",
        images.ext4() ? "ext4 (mke2fs -d)" : "raw",
        DemoImages.IMAGE_SIZE / 1024,
        r2.deltaSize() < 0 ? "skipped (not worth it)" : r2.deltaSize() + " bytes");

    // 3. Controller.
    out.println("[3/7] starting the reference controller on 127.0.0.1 (embedded store)");
    String adminToken = newToken();
    ControllerConfig cc =
        new ControllerConfig(
            "127.0.0.1",
            0,
            ControllerConfig.EMBEDDED,
            null,
            null,
            dir.resolve("controller/data"),
            artifacts,
            trustStore,
            adminToken,
            Duration.ofSeconds(1),
            Duration.ofMillis(250),
            null);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (ControllerServer controller = ControllerServer.start(cc, clock)) {
      out.println("      listening at " + controller.baseUri());
      AdminClient admin = new AdminClient(controller.baseUri(), adminToken);
      for (String v : List.of("1.0.0", "2.0.0", "2.1.0")) {
        admin.post("releases", Map.of("path", v));
      }
      out.println("      releases 1.0.0, 2.0.0, 2.1.0 accepted (signatures verified)");

      // 4. Devices.
      out.printf("[4/7] provisioning %d devices in devices/<id>/ with 1.0.0 in slot A%n", devices);
      RetryPolicy retry =
          RetryPolicy.builder()
              .maxAttempts(3)
              .initialBackoff(Duration.ofMillis(100))
              .maxBackoff(Duration.ofMillis(400))
              .maxTotalTime(Duration.ofSeconds(20))
              .build();
      Optional<Path> debugfs = images.ext4() ? Tools.find("debugfs") : Optional.empty();
      List<SimDevice> fleet = new ArrayList<>();
      for (String id : SimDevice.ids(devices)) {
        String token = admin.post("devices", Map.of("deviceId", id)).get("token").asText();
        SimDevice d = new SimDevice(id, dir.resolve("devices").resolve(id), clock, retry, debugfs);
        d.provision(
            p1.rootfs(),
            p1.app(),
            p1.config(),
            r1.manifest(),
            trustStore,
            controller.baseUri().toString(),
            token);
        fleet.add(d);
      }
      forAll(pool, fleet, d -> d.powerOn());
      out.println("      all devices booted slot A and checked in");

      // 5. Staged rollout of 2.0.0.
      out.println("[5/7] staged rollout of 2.0.0");
      Fleet f = new Fleet(pool, fleet, controller);
      String good = "rollout-2.0.0";
      admin.post("rollouts", rolloutSpec(good, "2.0.0", fleet));
      admin.post("rollouts/" + good + "/start", null);
      f.runUntil(
          good,
          Version.parse("2.0.0"),
          () -> {
            Rollout r = controller.engine().rollout(good);
            return r.state() == RolloutState.COMPLETED && f.installed("2.0.0") == fleet.size();
          });
      Rollout goodFinal = controller.engine().rollout(good);
      expect(
          "rollout 2.0.0 completed",
          goodFinal.state() == RolloutState.COMPLETED,
          "state " + goodFinal.state());
      expect(
          "every device committed 2.0.0",
          f.installed("2.0.0") == fleet.size(),
          f.installed("2.0.0") + "/" + fleet.size());

      // 6. Broken 2.1.0.
      out.println("[6/7] rollout of 2.1.0, whose application fails its health check");
      String bad = "rollout-2.1.0";
      admin.post("rollouts", rolloutSpec(bad, "2.1.0", fleet));
      admin.post("rollouts/" + bad + "/start", null);
      f.runUntil(
          bad,
          Version.parse("2.1.0"),
          () -> {
            Rollout r = controller.engine().rollout(bad);
            return r.state() != RolloutState.RUNNING && f.settled(bad);
          });
      f.settle(); // deliver the last reports
      Rollout badFinal = controller.engine().rollout(bad);
      OutcomeCounts badCounts = controller.engine().store().outcomes(bad);
      expect(
          "rollout 2.1.0 paused by the canary's error threshold",
          badFinal.state() == RolloutState.PAUSED
              && badFinal.stageIndex() == 0
              && badFinal.reason() != null,
          "state "
              + badFinal.state()
              + " at stage '"
              + badFinal.stage().name()
              + "': "
              + badFinal.reason());
      expect(
          "2.1.0 failed on its canary devices and committed nowhere",
          badCounts.failures() >= 1 && badCounts.successes() == 0,
          badCounts.failures() + " failures, " + badCounts.successes() + " successes");
      expect(
          "the fleet stays on 2.0.0",
          f.installed("2.0.0") == fleet.size(),
          f.installed("2.0.0") + "/" + fleet.size());

      // 7. Table, summary, hand checks.
      out.println("[7/7] checking every device with the real tools and writing summary.json");
      ObjectNode summary = summary(dir, fleet, controller, images.ext4(), List.of(good, bad));
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      summary.put("durationSeconds", seconds);
      ArrayNode ex = summary.putArray("expectations");
      for (Expectation e : expectations) {
        ex.addObject().put("name", e.name()).put("passed", e.passed()).put("detail", e.detail());
      }
      boolean ok = expectations.stream().allMatch(Expectation::passed);
      summary.put("passed", ok);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(dir.resolve("summary.json").toFile(), summary);
      printTable(summary);
      out.printf("%nsummary: %s  (%d s)%n", dir.resolve("summary.json"), seconds);
      for (Expectation e : expectations) {
        out.printf("  [%s] %s: %s%n", e.passed() ? " ok " : "FAIL", e.name(), e.detail());
      }
      Path first = fleet.get(0).dir;
      out.printf(
          "%nCheck a device by hand:%n  fw_printenv -c %s boot_partition%n"
              + "  e2fsck -fn %s%n  debugfs -R 'cat /etc/os-release' %s%n",
          first.resolve("fw_env.config"), first.resolve("slotB.img"), first.resolve("slotB.img"));
      out.println(ok ? "\nAll expectations held." : "\nSome expectations FAILED.");
      return ok ? 0 : 1;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String newToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private Path prepareWorkdir(Path dir) throws IOException {
    if (Files.exists(dir)) {
      boolean empty;
      try (Stream<Path> s = Files.list(dir)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER))) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "--workdir: expected an empty directory or one of an earlier demo run, found " + dir);
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "work directory of the Edge OTA fleet demo\n");
    return dir;
  }

  /** The stages of a rollout: canary, early, gradual, full; the canary holds at least a device. */
  private Map<String, Object> rolloutSpec(String id, String version, List<SimDevice> fleet) {
    List<Integer> buckets = new ArrayList<>();
    for (SimDevice d : fleet) {
      buckets.add(Buckets.bucket(id, d.id));
    }
    buckets.sort(null);
    int canaryCutoff = Math.max(1_000, buckets.get(0) + 1);
    List<Map<String, Object>> stages = new ArrayList<>();
    stages.add(stage("canary", canaryCutoff, buckets, 3));
    for (Object[] s : new Object[][] {{"early", 2_500}, {"gradual", 5_000}}) {
      if ((int) s[1] > canaryCutoff) {
        stages.add(stage((String) s[0], (int) s[1], buckets, 2));
      }
    }
    if (canaryCutoff < Buckets.BUCKETS) {
      stages.add(stage("full", Buckets.BUCKETS, buckets, 1));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("id", id);
    spec.put("release", version);
    spec.put("filter", Map.of("deviceTypes", List.of(DemoReleases.DEVICE_TYPE), "tags", Map.of()));
    spec.put("stages", stages);
    spec.put("autoAdvance", true);
    spec.put("rollbackRelease", null);
    spec.put("autoRollback", false);
    StringBuilder plan = new StringBuilder("      stages:");
    for (Map<String, Object> s : stages) {
      plan.append(
          String.format(
              Locale.ROOT,
              " %s %.2f%% (judged after %d reports)",
              s.get("name"),
              (double) s.get("percent"),
              (int) s.get("minReports")));
    }
    out.println(plan);
    return spec;
  }

  private static Map<String, Object> stage(
      String name, int cutoff, List<Integer> buckets, int soakSeconds) {
    int members = (int) buckets.stream().filter(b -> b < cutoff).count();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("percent", cutoff / 100.0);
    s.put("errorThresholdPercent", 20.0);
    s.put("minReports", members);
    s.put("minSoak", "PT" + soakSeconds + "S");
    return s;
  }

  private void expect(String name, boolean passed, String detail) {
    expectations.add(new Expectation(name, passed, detail));
  }

  interface DeviceAction {
    void run(SimDevice d) throws Exception;
  }

  static void forAll(ExecutorService pool, List<SimDevice> fleet, DeviceAction action)
      throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (SimDevice d : fleet) {
      futures.add(
          pool.submit(
              () -> {
                action.run(d);
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** Drives the fleet in rounds and prints a rollout's progress as it goes. */
  private final class Fleet {
    private final ExecutorService pool;
    private final List<SimDevice> fleet;
    private final ControllerServer controller;

    Fleet(ExecutorService pool, List<SimDevice> fleet, ControllerServer controller) {
      this.pool = pool;
      this.fleet = fleet;
      this.controller = controller;
    }

    long installed(String version) {
      Map<String, String> byId = new LinkedHashMap<>();
      for (DeviceRecord d : controller.engine().store().devices()) {
        byId.put(d.deviceId(), d.installedVersion() == null ? "" : d.installedVersion().toString());
      }
      return fleet.stream().filter(d -> version.equals(byId.get(d.id))).count();
    }

    boolean settled(String rolloutId) {
      for (Assignment a : controller.engine().store().assignments(rolloutId)) {
        if (a.outcome() == null) {
          return false;
        }
      }
      return fleet.stream().allMatch(d -> d.idle() && d.pendingReports() == 0);
    }

    void settle() throws Exception {
      for (int i = 0; i < 3; i++) {
        forAll(pool, fleet, SimDevice::step);
      }
    }

    void runUntil(String rolloutId, Version version, BooleanSupplier done) throws Exception {
      long deadline = System.nanoTime() + ROLLOUT_TIMEOUT.toNanos();
      String last = "";
      while (System.nanoTime() < deadline) {
        forAll(pool, fleet, SimDevice::step);
        Rollout r = controller.engine().rollout(rolloutId);
        OutcomeCounts c = controller.engine().store().outcomes(rolloutId);
        long rollbacks =
            controller.engine().store().assignments(rolloutId).stream()
                .filter(a -> a.outcome() == org.edgeota.api.UpdateState.ROLLED_BACK)
                .count();
        String line =
            String.format(
                Locale.ROOT,
                "      %-9s %-8s stage %-8s %5.1f%%  assigned %2d  committed %2d  failed %2d"
                    + "  (rolled back %d)  fleet on %s: %d/%d",
                rolloutId.substring("rollout-".length()),
                r.state(),
                r.stage().name(),
                r.stage().percent(),
                c.assigned(),
                c.successes(),
                c.failures(),
                rollbacks,
                version,
                installed(version.toString()),
                fleet.size());
        if (!line.equals(last)) {
          out.println(line);
          last = line;
        }
        if (r.state() == RolloutState.PAUSED && r.reason() != null && !last.contains("paused:")) {
          out.println("      paused: " + r.reason());
          last = last + "paused:";
        }
        if (done.getAsBoolean()) {
          return;
        }
        Thread.sleep(SimDevice.pollInterval().toMillis());
      }
      out.println("      timed out after " + ROLLOUT_TIMEOUT.toSeconds() + " s");
    }
  }

  private ObjectNode summary(
      Path dir,
      List<SimDevice> fleet,
      ControllerServer controller,
      boolean ext4,
      List<String> rollouts)
      throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("imageFormat", ext4 ? "ext4" : "raw");
    HandChecks hand = new HandChecks();
    List<String> missing = hand.missingTools();
    ArrayNode tools = root.putArray("missingTools");
    missing.forEach(tools::add);
    if (!missing.isEmpty()) {
      out.println("      not installed, so not checked: " + String.join(", ", missing));
    }
    Map<String, DeviceRecord> records = new LinkedHashMap<>();
    for (DeviceRecord d : controller.engine().store().devices()) {
      records.put(d.deviceId(), d);
    }
    ArrayNode devs = root.putArray("devices");
    int clean = 0;
    for (SimDevice d : fleet) {
      DeviceRecord rec = records.get(d.id);
      String committed =
          rec == null || rec.installedVersion() == null ? null : rec.installedVersion().toString();
      String slot = d.booted() == null ? null : d.booted().name();
      List<String> problems = new ArrayList<>();
      if (d.fault() != null) {
        problems.add(d.fault());
      }
      if (slot != null && committed != null) {
        problems.addAll(hand.check(d.dir, "boot_partition", slot, committed, ext4));
      }
      if (problems.isEmpty()) {
        clean++;
      }
      ObjectNode n = devs.addObject();
      n.put("id", d.id);
      n.put("committedVersion", committed);
      n.put("bootedSlot", slot);
      n.put("boots", d.boots());
      n.put("watchdogResets", d.watchdogResets());
      n.put("bootloaderFallbacks", d.fallbacks());
      ArrayNode p = n.putArray("problems");
      problems.forEach(p::add);
    }
    expect(
        "every device passes the hand checks (fw_printenv, e2fsck -fn, debugfs os-release)",
        clean == fleet.size(),
        clean + "/" + fleet.size() + " clean");
    ArrayNode rs = root.putArray("rollouts");
    for (String id : rollouts) {
      Rollout r = controller.engine().rollout(id);
      OutcomeCounts c = controller.engine().store().outcomes(id);
      long rollbacks =
          controller.engine().store().assignments(id).stream()
              .filter(a -> a.outcome() == org.edgeota.api.UpdateState.ROLLED_BACK)
              .count();
      ObjectNode n = rs.addObject();
      n.put("id", id);
      n.put("version", r.spec().release().toString());
      n.put("finalState", r.state().name());
      n.put("stage", r.stage().name());
      n.put("reason", r.reason());
      n.put("assigned", c.assigned());
      n.put("successes", c.successes());
      n.put("failures", c.failures());
      n.put("rollbacks", rollbacks);
    }
    return root;
  }

  private void printTable(ObjectNode summary) {
    out.println();
    out.printf(
        "  %-9s  %-9s  %-4s  %5s  %8s  %s%n",
        "device", "version", "slot", "boots", "fallback", "checks");
    for (JsonNode d : summary.get("devices")) {
      out.printf(
          "  %-9s  %-9s  %-4s  %5d  %8d  %s%n",
          d.get("id").asText(),
          d.get("committedVersion").asText(),
          d.get("bootedSlot").asText(),
          d.get("boots").asInt(),
          d.get("bootloaderFallbacks").asInt(),
          d.get("problems").isEmpty() ? "clean" : d.get("problems").toString());
    }
    out.println();
    out.printf(
        "  %-14s  %-7s  %-9s  %9s  %8s  %9s%n",
        "rollout", "version", "state", "successes", "failures", "rollbacks");
    for (JsonNode r : summary.get("rollouts")) {
      out.printf(
          "  %-14s  %-7s  %-9s  %9d  %8d  %9d%n",
          r.get("id").asText(),
          r.get("version").asText(),
          r.get("finalState").asText(),
          r.get("successes").asLong(),
          r.get("failures").asLong(),
          r.get("rollbacks").asLong());
    }
  }
}
