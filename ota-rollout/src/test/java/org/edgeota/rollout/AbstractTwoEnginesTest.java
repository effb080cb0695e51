package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.StatusReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines, as two controller instances, on one database at the same time: assignments,
 * duplicated reports, ticks and conflicting admin operations race; nothing is counted twice and the
 * history stays one chain of legal transitions.
 */
abstract class AbstractTwoEnginesTest {
  static final String ADMIN = "admin-token-0123456789";
  static final int DEVICES = 120;

  @TempDir Path tmp;

  private final List<ControllerStore> stores = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(6);

  /** Opens one more store on the shared database. */
  protected abstract ControllerStore openShared();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    stores.forEach(ControllerStore::close);
  }

  @Test
  void twoEngines_racingOnOneDatabase_countOnceAndTransitionLegally() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    ControllerStore storeA = openShared();
    stores.add(storeA);
    ControllerStore storeB = openShared();
    stores.add(storeB);
    RolloutEngine[] engines = {
      new RolloutEngine(storeA, clock, TestReleases.VERIFIER),
      new RolloutEngine(storeB, clock, TestReleases.VERIFIER)
    };
    AdminApi admin = new AdminApi(engines[0], ADMIN, new SecureRandom());
    DeviceApi[] apis = {
      new DeviceApi(engines[0], "http://127.0.0.1:1", Duration.ofMinutes(1)),
      new DeviceApi(engines[1], "http://127.0.0.1:1", Duration.ofMinutes(1))
    };
    admin.addRelease(ADMIN, TestReleases.write(tmp, "2.0.0", 2, false, "valid"));
    Map<String, String> tokens = new TreeMap<>();
    for (int i = 0; i < DEVICES; i++) {
      String id = "dev-" + i;
      tokens.put(id, admin.registerDevice(ADMIN, id));
    }
    List<Stage> stages =
        List.of(
            new Stage("canary", 20, 50, 5, Duration.ZERO),
            new Stage("half", 50, 50, 5, Duration.ZERO),
            new Stage("full", 100, 50, 0, Duration.ZERO));
    engines[1].create(RolloutSpec.of("race", Version.parse("2.0.0"), stages));
    engines[0].start("race");

    // Check-ins from both instances at once, while both tick.
    List<Callable<Object>> checkIns = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> e : tokens.entrySet()) {
      DeviceApi api = apis[n++ % 2];
      DeviceInfo info =
          new DeviceInfo(e.getKey(), "gw", Version.of(1, 0, 0), Version.of(1, 0, 0), Map.of());
      checkIns.add(() -> api.checkIn(e.getValue(), new CheckRequest(info, 1, Slot.A)));
    }
    runAll(checkIns, engines);
    Set<String> assigned = assignedIds(storeA);

    // Every report delivered twice, once to each instance, at the same time; all succeed.
    List<Callable<Object>> reports = new ArrayList<>();
    for (String id : assigned) {
      StatusReport r =
          new StatusReport(
              "rep-" + id, id, "race", "2.0.0", UpdateState.COMMITTED, null, null, clock.instant());
      reports.add(() -> apis[0].status(tokens.get(id), r));
      reports.add(() -> apis[1].status(tokens.get(id), r));
    }
    runAll(reports, engines);
    Rollout afterReports = engines[1].rollout("race");

    // Conflicting admin operations from both instances at once.
    List<Callable<Object>> admins = new ArrayList<>();
    admins.add(() -> engines[0].pause("race", "instance A"));
    admins.add(() -> engines[1].advance("race"));
    admins.add(() -> engines[1].abort("race", "instance B"));
    admins.add(() -> engines[0].advance("race"));
    for (Future<Object> f : pool.invokeAll(admins)) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(OtaException.class);
        assertThat(((OtaException) e.getCause()).reason())
            .isIn(ReasonCode.ILLEGAL_TRANSITION, ReasonCode.CONFLICT);
      }
    }

    assertThat(assigned)
        .isNotEmpty()
        .allSatisfy(id -> assertThat(Buckets.bucket("race", id)).isLessThan(10_000));
    assertThat(storeB.outcomes("race").successes()).isEqualTo(assigned.size());
    assertThat(storeB.reportCounts()).containsEntry(UpdateState.COMMITTED, (long) assigned.size());
    assertThat(afterReports.stageIndex()).isGreaterThanOrEqualTo(1);
    RolloutHistory.assertLegalChain(storeA.history("race"));
    assertThat(storeA.history("race")).isEqualTo(storeB.history("race"));
    assertThat(storeA.rollout("race").orElseThrow().state())
        .isIn(RolloutState.ABORTED, RolloutState.COMPLETED);
  }

  @Test
  void open_threeInstancesAtOnce_migrateOnce() throws Exception {
    List<Callable<ControllerStore>> opens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      opens.add(this::openShared);
    }

    List<ControllerStore> opened = new ArrayList<>();
    for (Future<ControllerStore> f : pool.invokeAll(opens)) {
      opened.add(f.get());
    }
    stores.addAll(opened);

    for (ControllerStore s : opened) {
      assertThat(((org.edgeota.rollout.internal.JdbcStore) s).schemaVersion()).isEqualTo(2);
    }
    opened.get(0).registerDevice("d", "00", Instant.EPOCH);
    assertThat(opened.get(2).device("d")).isPresent();
  }

  private void runAll(List<Callable<Object>> work, RolloutEngine[] engines) throws Exception {
    List<Callable<Object>> all = new ArrayList<>(work);
    for (RolloutEngine engine : engines) {
      all.add(
          () -> {
            for (int i = 0; i < 10; i++) {
              engine.tick();
            }
            return null;
          });
    }
    for (Future<Object> f : pool.invokeAll(all)) {
      f.get();
    }
  }

  private static Set<String> assignedIds(ControllerStore store) {
    return store.assignments("race").stream()
        .map(Assignment::deviceId)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
