package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.internal.Judge;

/**
 * Stateful properties: generated sequences of registrations, check-ins, reports (successes,
 * failures, duplicates, out of order), clock advances, ticks, pauses, resumes and manual advances
 * run against the engine, and the invariants are checked after every step.
 */
class RolloutProperties {
  private static final String ADMIN = "admin-token-0123456789";
  private static final String ID = "p1";
  private static final Version OLD = Version.parse("1.0.0");

  sealed interface Step
      permits Register, CheckIn, Report, Clock, Tick, Pause, Resume, Advance, Abort, Reload {}

  record Register(int count) implements Step {}

  record CheckIn(int device) implements Step {}

  record Report(int device, boolean failure, boolean duplicate, int skewSeconds) implements Step {}

  record Clock(int minutes) implements Step {}

  record Tick() implements Step {}

  record Pause() implements Step {}

  record Resume() implements Step {}

  record Advance() implements Step {}

  /** Aborts only when {@code chance == 0}, so that most scenarios keep running. */
  record Abort(int chance) implements Step {}

  record Reload() implements Step {}

  record Scenario(List<Stage> stages, List<Step> steps) {}

  @Property(tries = 300, seed = "7305174", shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void inMemory_invariantsHoldAfterEveryStep(@ForAll("scenarios") Scenario scenario) {
    run(scenario, null);
  }

  @Property(tries = 12, seed = "20261204", shrinking = net.jqwik.api.ShrinkingMode.OFF)
  void embedded_invariantsHoldAndReloadKeepsAssignments(@ForAll("scenarios") Scenario scenario)
      throws IOException {
    Path dir = Files.createTempDirectory("rollout-prop");
    try {
      run(scenario, dir.resolve("c.db"));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(RolloutProperties::delete);
      }
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Stage> stage =
        Combinators.combine(
                Arbitraries.of(0.0, 10.0, 25.0, 50.0),
                Arbitraries.integers().between(0, 4),
                Arbitraries.of(0, 10, 60))
            .as((t, m, s) -> new Stage("s", 100, t, m, Duration.ofMinutes(s)));
    Arbitrary<List<Stage>> stages =
        stage
            .list()
            .ofSize(3)
            .map(
                l ->
                    List.of(
                        rename(l.get(0), "canary", 25),
                        rename(l.get(1), "half", 60),
                        rename(l.get(2), "full", 100)));
    Arbitrary<Step> step =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 6).map(Register::new)),
            net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 40).map(CheckIn::new)),
            net.jqwik.api.Tuple.of(
                8,
                Combinators.combine(
                        Arbitraries.integers().between(0, 40),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 4).map(i -> i == 0),
                        Arbitraries.integers().between(-120, 120))
                    .as(Report::new)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 90).map(Clock::new)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(new Tick())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Pause())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Resume())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Advance())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reload())),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 2).map(Abort::new)));
    return Combinators.combine(stages, step.list().ofMinSize(1).ofMaxSize(60)).as(Scenario::new);
  }

  private static Stage rename(Stage s, String name, double percent) {
    return new Stage(name, percent, s.errorThresholdPercent(), s.minReports(), s.minSoak());
  }

  /** The world a scenario runs in; {@code file} is null for the in-memory store. */
  private static final class World {
    final Path file;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    final Map<String, String> tokens = new HashMap<>();
    final List<String> ids = new ArrayList<>();
    final Set<String> checkedIn = new HashSet<>();
    final Map<String, StatusReport> lastReport = new HashMap<>();
    final Set<String> reportIds = new HashSet<>();
    ControllerStore store;
    RolloutEngine engine;
    DeviceApi devices;
    int reportSeq;

    World(Path file) {
      this.file = file;
      open();
    }

    void open() {
      store = file == null ? RolloutStores.inMemory() : RolloutStores.embedded(file);
      engine = new RolloutEngine(store, clock, TestReleases.VERIFIER);
      devices = new DeviceApi(engine, "http://127.0.0.1:1", Duration.ofMinutes(1));
    }

    void reload() {
      if (file == null) {
        engine = new RolloutEngine(store, clock, TestReleases.VERIFIER);
        devices = new DeviceApi(engine, "http://127.0.0.1:1", Duration.ofMinutes(1));
        return;
      }
      store.close();
      open();
    }
  }

  private void run(Scenario scenario, Path file) throws UncheckedIOException {
    World w = new World(file);
    try {
      Path releases = Files.createTempDirectory("rollout-rel");
      AdminApi admin = new AdminApi(w.engine, ADMIN, new SecureRandom());
      admin.addRelease(ADMIN, TestReleases.write(releases, "2.0.0", 2, false, "valid"));
      admin.createRollout(
          ADMIN,
          new RolloutSpec(
              ID,
              Version.parse("2.0.0"),
              TargetFilter.all(),
              scenario.stages(),
              true,
              null,
              false));
      w.engine.start(ID);
      for (Step step : scenario.steps()) {
        Rollout before = w.engine.rollout(ID);
        OutcomeCounts countsBefore = w.store.outcomes(ID);
        boolean breachedBefore = judgedBreach(w, before, countsBefore);
        List<Assignment> assignedBefore = w.store.assignments(ID);
        apply(w, step, admin);
        Rollout after = w.engine.rollout(ID);
        checkInvariants(w, step, before, breachedBefore, assignedBefore, after);
        admin = new AdminApi(w.engine, ADMIN, new SecureRandom());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      w.store.close();
    }
  }

  private static void apply(World w, Step step, AdminApi admin) {
    if (step instanceof Register r) {
      for (int i = 0; i < r.count(); i++) {
        String id = "dev-" + w.ids.size();
        w.tokens.put(id, admin.registerDevice(ADMIN, id));
        w.ids.add(id);
      }
    } else if (step instanceof CheckIn c) {
      if (w.ids.isEmpty()) {
        return;
      }
      String id = w.ids.get(c.device() % w.ids.size());
      DeviceInfo info = new DeviceInfo(id, "gw", OLD, OLD, Map.of());
      w.devices.checkIn(w.tokens.get(id), new CheckRequest(info, 1, Slot.A));
      w.checkedIn.add(id);
    } else if (step instanceof Report r) {
      report(w, r);
    } else if (step instanceof Clock c) {
      w.clock.advance(Duration.ofMinutes(c.minutes()));
    } else if (step instanceof Tick) {
      w.engine.tick();
    } else if (step instanceof Pause) {
      ignoreIllegal(() -> w.engine.pause(ID, "operator"));
    } else if (step instanceof Resume) {
      ignoreIllegal(() -> w.engine.resume(ID));
    } else if (step instanceof Advance) {
      ignoreIllegal(() -> w.engine.advance(ID));
    } else if (step instanceof Abort a) {
      if (a.chance() == 0) {
        ignoreIllegal(() -> w.engine.abort(ID, "operator"));
      }
    } else if (step instanceof Reload) {
      List<Assignment> before = w.store.assignments(ID);
      Rollout rollout = w.engine.rollout(ID);
      List<RolloutEvent> history = w.store.history(ID);

      w.reload();

      assertThat(w.store.assignments(ID)).isEqualTo(before);
      assertThat(w.engine.rollout(ID)).isEqualTo(rollout);
      assertThat(w.store.history(ID)).isEqualTo(history);
    }
  }

  private static void report(World w, Report r) {
    if (w.ids.isEmpty()) {
      return;
    }
    // Mostly devices that were assigned, so that reports count; sometimes any device.
    List<Assignment> assigned = w.store.assignments(ID);
    String id =
        assigned.isEmpty() || r.device() % 5 == 0
            ? w.ids.get(r.device() % w.ids.size())
            : assigned.get(r.device() % assigned.size()).deviceId();
    StatusReport report;
    if (r.duplicate() && w.lastReport.containsKey(id)) {
      report = w.lastReport.get(id);
    } else {
      report =
          new StatusReport(
              "rep-" + w.reportSeq++,
              id,
              ID,
              "2.0.0",
              r.failure() ? UpdateState.FAILED : UpdateState.COMMITTED,
              null,
              null,
              w.clock.instant().plusSeconds(r.skewSeconds()));
    }
    boolean known = w.reportIds.contains(report.reportId());

    boolean duplicate = w.devices.status(w.tokens.get(id), report).duplicate();

    assertThat(duplicate).isEqualTo(known);
    w.reportIds.add(report.reportId());
    w.lastReport.put(id, report);
  }

  private static void checkInvariants(
      World w,
      Step step,
      Rollout before,
      boolean breachedBefore,
      List<Assignment> assignedBefore,
      Rollout after) {
    List<Assignment> assigned = w.store.assignments(ID);
    int cutoff = after.stage().cutoff();
    long share = w.checkedIn.stream().filter(id -> Buckets.bucket(ID, id) < cutoff).count();

    // Exposure never exceeds the current stage's share of the population.
    assertThat(assigned).allSatisfy(a -> assertThat(a.bucket()).isLessThan(cutoff));
    assertThat((long) assigned.size()).isLessThanOrEqualTo(share);

    // A rollout that is not running assigns no new device.
    if (before.state() != RolloutState.RUNNING && step instanceof CheckIn) {
      assertThat(assigned).isEqualTo(assignedBefore);
    }

    // A breach pauses before any advance.
    if (breachedBefore && !(step instanceof Pause)) {
      assertThat(after.stageIndex()).isEqualTo(before.stageIndex());
      assertThat(after.state()).isNotEqualTo(RolloutState.COMPLETED);
    }
    boolean advanced =
        after.stageIndex() > before.stageIndex()
            || after.state() == RolloutState.COMPLETED && before.state() != RolloutState.COMPLETED;
    if (advanced) {
      // Counts do not change within a tick or an advance, and a report step changes them before
      // judging: the stage that was left must not have been in breach with the counts of now.
      net.jqwik.api.statistics.Statistics.label("advance").collect("advanced");
      assertThat(judgedBreach(w, before, w.store.outcomes(ID))).as("advanced in breach").isFalse();
    }
    if (after.state() == RolloutState.PAUSED
        && before.state() == RolloutState.RUNNING
        && !(step instanceof Pause)) {
      net.jqwik.api.statistics.Statistics.label("breach").collect("paused by breach");
    }
    if (step instanceof Report || step instanceof Tick || step instanceof Advance) {
      if (after.state() == RolloutState.RUNNING) {
        assertThat(judgedBreach(w, after, w.store.outcomes(ID))).as("running in breach").isFalse();
      }
    }

    // Reports are counted once by id, outcomes once per device.
    long stored = w.store.reportCounts().values().stream().mapToLong(Long::longValue).sum();
    assertThat(stored).isEqualTo(w.reportIds.size());
    OutcomeCounts counts = w.store.outcomes(ID);
    assertThat(counts.reports()).isLessThanOrEqualTo(assigned.size());
    assertThat(counts.assigned()).isEqualTo(assigned.size());

    RolloutHistory.assertLegalChain(w.store.history(ID));
  }

  private static boolean judgedBreach(World w, Rollout r, OutcomeCounts counts) {
    if (r.state() != RolloutState.RUNNING) {
      return false;
    }
    long reachable = w.engine.reachable(r, r.stage().cutoff());
    long required = Math.min(r.stage().minReports(), reachable);
    return counts.reports() >= required && Judge.breached(counts, r.stage());
  }

  private static void ignoreIllegal(Runnable action) {
    try {
      action.run();
    } catch (OtaException e) {
      assertThat(e.reason()).isEqualTo(org.edgeota.api.ReasonCode.ILLEGAL_TRANSITION);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
