package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ControllerStore} must give the engine and the API handlers; one
 * subclass per store runs it.
 */
abstract class AbstractStoreBehaviourTest {
  static final String ADMIN = "admin-token-0123456789";
  static final Version OLD = Version.parse("1.0.0");
  static final Version NEW = Version.parse("2.0.0");
  static final Version BACK = Version.parse("1.0.1");
  static final String ROLLOUT = "r1";
  static final int CANARY_CUTOFF = 2000;

  @TempDir Path tmp;

  MutableClock clock;
  ControllerStore store;
  RolloutEngine engine;
  AdminApi admin;
  DeviceApi devices;
  final Map<String, String> tokens = new LinkedHashMap<>();

  /** Opens a fresh, empty store for one test. */
  protected abstract ControllerStore openStore();

  /** Opens the same data again after {@link #store} was closed (in memory: the same object). */
  protected abstract ControllerStore reopenStore();

  @BeforeEach
  void setUpController() {
    clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    store = openStore();
    wire();
    admin.addRelease(ADMIN, TestReleases.write(tmp, "2.0.0", 2, false, "valid"));
    admin.addRelease(ADMIN, TestReleases.write(tmp, "1.0.1", 3, true, "valid"));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void wire() {
    engine = new RolloutEngine(store, clock, TestReleases.VERIFIER);
    admin = new AdminApi(engine, ADMIN, new SecureRandom());
    devices = new DeviceApi(engine, "http://127.0.0.1:8080", Duration.ofMinutes(5));
  }

  void reopen() {
    store.close();
    store = reopenStore();
    wire();
  }

  static List<Stage> stages() {
    return List.of(
        new Stage("canary", 20, 25, 4, Duration.ofHours(1)),
        new Stage("full", 100, 10, 0, Duration.ofHours(1)));
  }

  RolloutSpec spec(List<Stage> stages, boolean autoRollback) {
    return new RolloutSpec(
        ROLLOUT, NEW, TargetFilter.all(), stages, true, autoRollback ? BACK : null, autoRollback);
  }

  void registerFleet(int n) {
    for (int i = 0; i < n; i++) {
      String id = String.format("dev-%03d", i);
      tokens.put(id, admin.registerDevice(ADMIN, id));
    }
  }

  CheckResponse checkIn(String id, Version installed) {
    return checkIn(id, installed, 1);
  }

  CheckResponse checkIn(String id, Version installed, long installedSequence) {
    DeviceInfo info = new DeviceInfo(id, "gw", installed, Version.of(1, 0, 0), Map.of("site", "a"));
    return devices.checkIn(tokens.get(id), new CheckRequest(info, installedSequence, Slot.A));
  }

  Set<String> checkInAll() {
    Set<String> offered = new java.util.TreeSet<>();
    for (String id : tokens.keySet()) {
      if (checkIn(id, OLD).updateAvailable()) {
        offered.add(id);
      }
    }
    return offered;
  }

  StatusAck report(String id, UpdateState state) {
    return report(id, state, UUID.randomUUID().toString(), clock.instant());
  }

  StatusAck report(String id, UpdateState state, String reportId, Instant at) {
    return devices.status(
        tokens.get(id), new StatusReport(reportId, id, ROLLOUT, "2.0.0", state, null, null, at));
  }

  StatusAck reportFor(String id, String rolloutId, UpdateState state, String reportId, Instant at) {
    return devices.status(
        tokens.get(id), new StatusReport(reportId, id, rolloutId, "2.0.0", state, null, null, at));
  }

  Set<String> bucketBelow(int cutoff) {
    return tokens.keySet().stream()
        .filter(id -> Buckets.bucket(ROLLOUT, id) < cutoff)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  Rollout startedRollout(List<Stage> stages, boolean autoRollback) {
    admin.createRollout(ADMIN, spec(stages, autoRollback));
    return admin.start(ADMIN, ROLLOUT);
  }

  @Test
  void checkIn_runningCanary_assignsExactlyTheDevicesBelowTheCutoff() {
    registerFleet(100);
    startedRollout(stages(), false);

    Set<String> offered = checkInAll();

    assertThat(offered).isEqualTo(bucketBelow(CANARY_CUTOFF)).isNotEmpty();
    assertThat(store.outcomes(ROLLOUT).assigned()).isEqualTo(offered.size());
  }

  @Test
  void checkIn_offer_carriesManifestAsStoredAndArtifactUrls() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = bucketBelow(CANARY_CUTOFF).iterator().next();

    CheckResponse response = checkIn(id, OLD);

    assertThat(response.rolloutId()).isEqualTo(ROLLOUT);
    assertThat(response.manifest()).isEqualTo(engine.release(NEW).manifest());
    assertThat(response.artifactUrls())
        .containsEntry(
            "rootfs-2.0.0.img", "http://127.0.0.1:8080/api/v1/updates/download/rootfs-2.0.0.img");
  }

  @Test
  void checkIn_deviceAlreadyAcceptedAHigherSequence_isNeitherOfferedNorAssigned() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = bucketBelow(CANARY_CUTOFF).iterator().next();

    CheckResponse response = checkIn(id, OLD, 2);

    assertThat(response.updateAvailable()).isFalse();
    assertThat(store.assignment(ROLLOUT, id)).isEmpty();
  }

  @Test
  void checkIn_wrongToken_isUnauthorized() {
    registerFleet(2);
    DeviceInfo info = new DeviceInfo("dev-000", "gw", OLD, OLD, Map.of());

    assertThatThrownBy(
            () -> devices.checkIn(tokens.get("dev-001"), new CheckRequest(info, 1, Slot.A)))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.UNAUTHORIZED);
  }

  @Test
  void checkIn_pausedRollout_assignsNobodyAndOffersNothing() {
    registerFleet(100);
    startedRollout(stages(), false);
    String early = bucketBelow(CANARY_CUTOFF).iterator().next();
    checkIn(early, OLD);
    admin.pause(ADMIN, ROLLOUT, "operator");

    Set<String> offered = checkInAll();

    assertThat(offered).isEmpty();
    assertThat(store.outcomes(ROLLOUT).assigned()).isEqualTo(1);
    assertThat(devices.mayDownload(tokens.get(early), early, "rootfs-2.0.0.img")).isFalse();
  }

  @Test
  void mayDownload_onlyFilesOfTheAssignedRelease() {
    registerFleet(100);
    startedRollout(stages(), false);
    String in = bucketBelow(CANARY_CUTOFF).iterator().next();
    String out =
        tokens.keySet().stream()
            .filter(id -> !bucketBelow(CANARY_CUTOFF).contains(id))
            .findFirst()
            .orElseThrow();
    checkInAll();

    assertThat(devices.mayDownload(tokens.get(in), in, "rootfs-2.0.0.img")).isTrue();
    assertThat(devices.mayDownload(tokens.get(in), in, "rootfs-1.0.1.img")).isFalse();
    assertThat(devices.mayDownload(tokens.get(out), out, "rootfs-2.0.0.img")).isFalse();
  }

  @Test
  void errorRate_exactlyAtThreshold_doesNotPause_andOneMoreFailurePauses() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    report(canary.get(0), UpdateState.FAILED);
    report(canary.get(1), UpdateState.COMMITTED);
    report(canary.get(2), UpdateState.COMMITTED);
    report(canary.get(3), UpdateState.COMMITTED);

    Rollout atBoundary = engine.evaluate(ROLLOUT);
    report(canary.get(4), UpdateState.FAILED);
    Rollout above = engine.rollout(ROLLOUT);

    assertThat(atBoundary.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(above.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(above.reason()).contains("2/5").contains("stage 'canary'");
  }

  @Test
  void errorRate_beforeMinimumReports_isNotJudged() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());

    report(canary.get(0), UpdateState.FAILED);
    report(canary.get(1), UpdateState.FAILED);
    report(canary.get(2), UpdateState.FAILED);

    assertThat(engine.rollout(ROLLOUT).state()).isEqualTo(RolloutState.RUNNING);
  }

  @Test
  void tick_breachAfterSoak_pausesInsteadOfAdvancing() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    engine.pause(ROLLOUT, "hold");
    engine.resume(ROLLOUT);
    for (int i = 0; i < 4; i++) {
      report(canary.get(i), i < 2 ? UpdateState.FAILED : UpdateState.COMMITTED);
    }
    clock.advance(Duration.ofHours(2));

    engine.tick();

    Rollout r = engine.rollout(ROLLOUT);
    assertThat(r.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(r.stageIndex()).isZero();
  }

  @Test
  void tick_soakPassedWithoutNewReports_advancesOnTheClock() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    for (int i = 0; i < 4; i++) {
      report(canary.get(i), UpdateState.COMMITTED);
    }
    engine.tick();
    Rollout beforeSoak = engine.rollout(ROLLOUT);
    clock.advance(Duration.ofHours(1));

    engine.tick();

    assertThat(beforeSoak.stageIndex()).isZero();
    Rollout r = engine.rollout(ROLLOUT);
    assertThat(r.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(r.stageIndex()).isEqualTo(1);
    assertThat(checkInAll()).hasSize(100);
  }

  @Test
  void tick_emptyStage_advancesAfterSoakWithoutDividingByZero() {
    registerFleet(3);
    List<Stage> stages =
        List.of(
            new Stage("tiny", 0.01, 0, 5, Duration.ofMinutes(10)),
            new Stage("full", 100, 0, 0, Duration.ZERO));
    startedRollout(stages, false);
    assertThat(bucketBelow(1)).isEmpty();
    assertThat(checkInAll()).isEmpty();
    clock.advance(Duration.ofMinutes(10));

    engine.tick();

    assertThat(engine.rollout(ROLLOUT).stageIndex()).isEqualTo(1);
  }

  @Test
  void report_sameIdTwice_isCountedOnce() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = checkInAll().iterator().next();
    Instant at = clock.instant();

    StatusAck first = report(id, UpdateState.FAILED, "rep-1", at);
    StatusAck second = report(id, UpdateState.FAILED, "rep-1", at);

    assertThat(first.duplicate()).isFalse();
    assertThat(second.duplicate()).isTrue();
    assertThat(store.outcomes(ROLLOUT).failures()).isEqualTo(1);
    assertThat(store.reportCounts()).containsEntry(UpdateState.FAILED, 1L);
  }

  /**
   * Regression: a report id received again with a different body (first FAILED, then COMMITTED
   * under the same id) was answered {@code duplicate:true} and the second body silently thrown
   * away, so the device believed its success was recorded. It is now refused with {@code CONFLICT}
   * naming the report id, and the first body stays counted.
   */
  @Test
  void report_sameIdDifferentBody_isConflictAndFirstBodyStaysCounted() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = checkInAll().iterator().next();
    Instant at = clock.instant();
    report(id, UpdateState.FAILED, "rep-1", at);

    assertThatThrownBy(() -> report(id, UpdateState.COMMITTED, "rep-1", at))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.CONFLICT);
              assertThat(e.offendingValue()).isEqualTo("rep-1");
              assertThat(e.getMessage()).contains("rep-1").contains("COMMITTED");
            });
    assertThat(store.outcomes(ROLLOUT).failures()).isEqualTo(1);
    assertThat(store.outcomes(ROLLOUT).successes()).isZero();
    assertThat(store.reportCounts())
        .containsEntry(UpdateState.FAILED, 1L)
        .doesNotContainKey(UpdateState.COMMITTED);
    assertThat(store.assignmentOutcomeCounts())
        .containsEntry(UpdateState.FAILED, 1L)
        .doesNotContainKey(UpdateState.COMMITTED);
    assertThat(report(id, UpdateState.FAILED, "rep-1", at).duplicate()).isTrue();
  }

  /**
   * Regression: {@code edge_update_successes_total} and {@code edge_update_failures_total} counted
   * every stored report, so a report naming an unknown rollout ({@code "nope"}) was acknowledged
   * and counted as a success, and so were reports of devices never assigned the rollout; the
   * counters read 3 successes and 2 failures while the rollout's own outcomes were 1 and 0. Only
   * outcomes of an assignment count now; the rest are still acknowledged and exposed as unmatched.
   */
  @Test
  void metrics_reportsNotOutcomesOfAnAssignment_areAcknowledgedButNotCounted() {
    registerFleet(100);
    startedRollout(stages(), false);
    Set<String> assigned = checkInAll();
    String canary = assigned.iterator().next();
    List<String> outsiders =
        tokens.keySet().stream().filter(id -> !assigned.contains(id)).limit(2).toList();
    Instant at = clock.instant();
    List<StatusAck> acks = new ArrayList<>();

    acks.add(report(canary, UpdateState.COMMITTED));
    acks.add(reportFor(outsiders.get(0), "nope", UpdateState.COMMITTED, "rep-nope-1", at));
    acks.add(reportFor(canary, "nope", UpdateState.COMMITTED, "rep-nope-2", at));
    acks.add(report(outsiders.get(0), UpdateState.FAILED));
    acks.add(report(outsiders.get(1), UpdateState.ROLLED_BACK));
    acks.add(reportFor(outsiders.get(1), null, UpdateState.FAILED, "rep-none", at));
    String text = new ControllerMetrics(engine).scrape();

    assertThat(acks).extracting(StatusAck::duplicate).containsOnly(false);
    assertThat(store.reportCounts().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(6);
    assertThat(store.outcomes(ROLLOUT).successes()).isEqualTo(1);
    assertThat(store.outcomes(ROLLOUT).failures()).isZero();
    assertThat(text)
        .containsPattern("(?m)^edge_update_successes_total 1(\\.0)?$")
        .containsPattern("(?m)^edge_update_failures_total 0(\\.0)?$")
        .containsPattern("(?m)^edge_status_reports_unmatched_total 5(\\.0)?$")
        .containsPattern("(?m)^edge_rollbacks_total\\{scope=\"device\"} 0(\\.0)?$");
  }

  @Test
  void checkIn_afterDeviceRolledBack_offersTheReleaseNoMore_butAfterFailureOffersItAgain() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    report(canary.get(0), UpdateState.ROLLED_BACK);
    report(canary.get(1), UpdateState.FAILED);

    CheckResponse rolledBack = checkIn(canary.get(0), OLD);
    CheckResponse failed = checkIn(canary.get(1), OLD);

    assertThat(rolledBack.updateAvailable()).isFalse();
    assertThat(failed.updateAvailable()).isTrue();
  }

  @Test
  void report_deviceClockAhead_isClampedSoALaterReportStillCounts() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = checkInAll().iterator().next();

    report(id, UpdateState.COMMITTED, "ahead", clock.instant().plus(Duration.ofDays(365)));
    clock.advance(Duration.ofSeconds(1));
    report(id, UpdateState.FAILED, "now", clock.instant());

    assertThat(store.outcomes(ROLLOUT).failures()).isEqualTo(1);
    assertThat(store.outcomes(ROLLOUT).successes()).isZero();
  }

  /**
   * Regression: a device whose real-time clock was reset (1970) after a reboot reported COMMITTED
   * with a timestamp older than its earlier FAILED report; the controller ordered outcomes by the
   * device's timestamp, so the commit was ignored, the device counted as a failure forever (and
   * kept the rollout paused after a resume). A timestamp before the rollout was created cannot be
   * true and is taken as the time of receipt.
   */
  @Test
  void report_deviceClockBeforeRollout_isTakenAsReceivedSoItOverridesAnEarlierFailure() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = checkInAll().iterator().next();
    report(id, UpdateState.FAILED, "download-failed", clock.instant());
    clock.advance(Duration.ofMinutes(5));

    report(id, UpdateState.COMMITTED, "clock-reset", Instant.EPOCH.plusSeconds(42));

    OutcomeCounts counts = store.outcomes(ROLLOUT);
    assertThat(counts.successes()).isEqualTo(1);
    assertThat(counts.failures()).isZero();
    assertThat(store.device(id).orElseThrow().lastState()).isEqualTo(UpdateState.COMMITTED);
  }

  @Test
  void status_oversizedReportId_isRejectedAndNotStored() {
    registerFleet(1);

    assertThatThrownBy(
            () -> report("dev-000", UpdateState.FAILED, "x".repeat(300), clock.instant()))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
    assertThat(store.reportCounts()).isEmpty();
  }

  @Test
  void report_olderOutcomeArrivingLate_doesNotOverrideNewerOne() {
    registerFleet(100);
    startedRollout(stages(), false);
    String id = checkInAll().iterator().next();
    Instant t0 = clock.instant();
    clock.advance(Duration.ofSeconds(60));

    report(id, UpdateState.COMMITTED, "late-2", t0.plusSeconds(60));
    report(id, UpdateState.FAILED, "late-1", t0);

    OutcomeCounts counts = store.outcomes(ROLLOUT);
    assertThat(counts.successes()).isEqualTo(1);
    assertThat(counts.failures()).isZero();
    assertThat(store.device(id).orElseThrow().lastState()).isEqualTo(UpdateState.COMMITTED);
  }

  @Test
  void pause_twice_isIdempotentAndKeepsTheFirstReason() {
    startedRollout(stages(), false);

    Rollout first = engine.pause(ROLLOUT, "first");
    Rollout second = engine.pause(ROLLOUT, "second");

    assertThat(second).isEqualTo(first);
    assertThat(second.reason()).isEqualTo("first");
    assertThat(store.history(ROLLOUT))
        .extracting(RolloutEvent::state)
        .containsExactly(RolloutState.CREATED, RolloutState.RUNNING, RolloutState.PAUSED);
  }

  @Test
  void resume_whileErrorRateStaysAboveThreshold_pausesAgainAtOnce() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    for (int i = 0; i < 4; i++) {
      report(canary.get(i), UpdateState.FAILED);
    }

    Rollout resumed = engine.resume(ROLLOUT);
    for (int i = 0; i < 4; i++) {
      engine.cancelForDevice(ROLLOUT, canary.get(i));
    }
    Rollout afterCancel = engine.resume(ROLLOUT);

    assertThat(resumed.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(afterCancel.state()).isEqualTo(RolloutState.RUNNING);
  }

  @Test
  void start_twice_isAnIllegalTransition() {
    startedRollout(stages(), false);

    assertThatThrownBy(() -> engine.start(ROLLOUT))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ILLEGAL_TRANSITION);
  }

  @Test
  void abort_thenResume_isAnIllegalTransition() {
    startedRollout(stages(), false);
    engine.abort(ROLLOUT, "bad build");

    assertThatThrownBy(() -> engine.resume(ROLLOUT))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("ABORTED");
  }

  /**
   * Regression: a last stage with {@code minReports} 0 and no soak (as in the sample rollout.json's
   * "full" stage) completed the rollout at the moment it was entered, before a single device of
   * that stage had checked in; a completed rollout offers nothing, so the devices the 100 % stage
   * was meant for never got the release. The last stage must stay running until every device it
   * reaches has reported an outcome.
   */
  @Test
  void tick_lastStageEntered_keepsOfferingUntilEveryReachedDeviceReported() {
    registerFleet(3);
    List<Stage> stages =
        List.of(
            new Stage("tiny", 0.01, 0, 5, Duration.ZERO),
            new Stage("full", 100, 0, 0, Duration.ZERO));
    startedRollout(stages, false);
    assertThat(bucketBelow(1)).isEmpty();
    assertThat(checkInAll()).isEmpty();

    engine.tick();
    Rollout entered = engine.rollout(ROLLOUT);
    Set<String> offered = checkInAll();
    for (String id : offered) {
      report(id, UpdateState.COMMITTED);
    }
    engine.tick();

    assertThat(entered.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(entered.stage().name()).isEqualTo("full");
    assertThat(offered).isEqualTo(tokens.keySet());
    assertThat(engine.rollout(ROLLOUT).state()).isEqualTo(RolloutState.COMPLETED);
  }

  @Test
  void advance_manualPastLastStage_completes() {
    registerFleet(20);
    startedRollout(stages(), false);

    engine.advance(ROLLOUT);
    Rollout done = engine.advance(ROLLOUT);

    assertThat(done.state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(checkInAll()).isEmpty();
  }

  @Test
  void advance_manualWithErrorsBelowMinimumReports_pausesInstead() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    for (int i = 0; i < 3; i++) {
      report(canary.get(i), UpdateState.FAILED);
    }
    Rollout belowMinimum = engine.rollout(ROLLOUT);

    Rollout r = engine.advance(ROLLOUT);

    assertThat(belowMinimum.state()).isEqualTo(RolloutState.RUNNING);

    assertThat(r.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(r.stageIndex()).isZero();
  }

  @Test
  void rollback_fleet_offersDowngradeOnlyToDevicesThatMoved() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    String moved = canary.get(0);
    String never =
        tokens.keySet().stream().filter(id -> !canary.contains(id)).findFirst().orElseThrow();

    admin.rollback(ADMIN, ROLLOUT, BACK);
    CheckResponse movedAnswer = checkIn(moved, NEW);
    CheckResponse neverAnswer = checkIn(never, OLD);
    CheckResponse backAnswer = checkIn(moved, BACK);

    assertThat(movedAnswer.updateAvailable()).isTrue();
    assertThat(movedAnswer.manifest()).isEqualTo(engine.release(BACK).manifest());
    assertThat(neverAnswer.updateAvailable()).isFalse();
    assertThat(backAnswer.updateAvailable()).isFalse();
  }

  @Test
  void rollback_toReleaseWithoutDowngradeFlag_isRejected() {
    startedRollout(stages(), false);

    assertThatThrownBy(() -> engine.rollback(ROLLOUT, NEW))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ROLLOUT_CONFIG_INVALID);
  }

  @Test
  void breach_withAutoRollback_rollsBackInsteadOfPausing() {
    registerFleet(100);
    startedRollout(stages(), true);
    List<String> canary = new ArrayList<>(checkInAll());

    for (int i = 0; i < 4; i++) {
      report(canary.get(i), UpdateState.ROLLED_BACK);
    }

    Rollout r = engine.rollout(ROLLOUT);
    assertThat(r.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(r.rolledBackTo()).isEqualTo(BACK);
  }

  @Test
  void cancelForDevice_deviceIsOfferedNothingAndNotCounted() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(bucketBelow(CANARY_CUTOFF));
    String assigned = canary.get(0);
    String notYet = canary.get(1);
    checkIn(assigned, OLD);

    boolean wasAssigned = engine.cancelForDevice(ROLLOUT, assigned);
    boolean wasNot = engine.cancelForDevice(ROLLOUT, notYet);

    assertThat(wasAssigned).isTrue();
    assertThat(wasNot).isFalse();
    assertThat(checkIn(assigned, OLD).updateAvailable()).isFalse();
    assertThat(checkIn(notYet, OLD).updateAvailable()).isFalse();
    assertThat(store.outcomes(ROLLOUT).assigned()).isZero();
  }

  @Test
  void lateRegistration_joinsByBucket() {
    registerFleet(50);
    startedRollout(stages(), false);
    checkInAll();
    for (int i = 50; i < 150; i++) {
      String id = String.format("dev-%03d", i);
      tokens.put(id, admin.registerDevice(ADMIN, id));
    }

    checkInAll();

    Set<String> assigned =
        store.assignments(ROLLOUT).stream()
            .map(Assignment::deviceId)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    assertThat(assigned).isEqualTo(bucketBelow(CANARY_CUTOFF));
  }

  @Test
  void reopen_keepsRolloutAssignmentsAndHistory() {
    registerFleet(100);
    startedRollout(stages(), false);
    Set<String> before = checkInAll();
    engine.pause(ROLLOUT, "before restart");
    List<RolloutEvent> history = store.history(ROLLOUT);

    reopen();

    Set<String> after =
        store.assignments(ROLLOUT).stream()
            .map(Assignment::deviceId)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    assertThat(after).isEqualTo(before);
    assertThat(store.history(ROLLOUT)).isEqualTo(history);
    assertThat(engine.rollout(ROLLOUT).reason()).isEqualTo("before restart");
    engine.resume(ROLLOUT);
    assertThat(checkInAll()).isEqualTo(before);
  }

  @Test
  void addRelease_badSignature_isRejected() {
    Path dir = TestReleases.write(tmp.resolve("bad"), "3.0.0", 9, false, "forged");

    assertThatThrownBy(() -> admin.addRelease(ADMIN, dir))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SIGNATURE_INVALID);
    assertThat(store.release(Version.parse("3.0.0"))).isEmpty();
  }

  @Test
  void addRelease_payloadDiffersFromManifest_isRejected() throws Exception {
    Path dir = TestReleases.write(tmp.resolve("tampered"), "3.0.0", 9, false, "valid");
    java.nio.file.Files.writeString(dir.resolve("rootfs-3.0.0.img"), "firmware 3.0.X");

    assertThatThrownBy(() -> admin.addRelease(ADMIN, dir))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected sha256");
  }

  @Test
  void admin_wrongToken_isUnauthorized() {
    assertThatThrownBy(() -> admin.rollouts("admin-token-wrong-0000"))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.UNAUTHORIZED);
  }

  @Test
  void registerDevice_storesOnlyTheTokenHash() {
    String token = admin.registerDevice(ADMIN, "dev-x");

    DeviceRecord d = store.device("dev-x").orElseThrow();

    assertThat(d.tokenHash()).isNotEqualTo(token).hasSize(64);
    assertThat(d.tokenHash()).doesNotContain(token);
  }

  @Test
  void checkIn_unchangedDevice_lastSeenWrittenByTick() {
    registerFleet(1);
    checkIn("dev-000", OLD);
    clock.advance(Duration.ofMinutes(5));
    checkIn("dev-000", OLD);
    Instant beforeTick = store.device("dev-000").orElseThrow().lastSeen();

    engine.tick();

    assertThat(beforeTick).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(store.device("dev-000").orElseThrow().lastSeen())
        .isEqualTo(Instant.parse("2026-12-01T10:05:00Z"));
  }

  @Test
  void metrics_gaugesFollowState() {
    registerFleet(100);
    startedRollout(stages(), false);
    List<String> canary = new ArrayList<>(checkInAll());
    report(canary.get(0), UpdateState.COMMITTED);
    checkIn(canary.get(0), NEW);
    ControllerMetrics metrics = new ControllerMetrics(engine);

    String text = metrics.scrape();

    assertThat(text)
        .contains("edge_update_attempts_total " + canary.size())
        .contains("edge_update_successes_total 1")
        .contains("edge_devices_by_version{version=\"2.0.0\"} 1")
        .contains("edge_devices_by_version{version=\"1.0.0\"} 99")
        .contains("edge_devices_by_state{state=\"COMMITTED\"} 1")
        .contains("edge_rollout_stage{rollout=\"r1\",stage=\"canary\",state=\"RUNNING\"} 0")
        .contains("edge_rollout_progress_percent{rollout=\"r1\"} 1.0")
        .contains("edge_update_duration_seconds_bucket{le=\"30.0\"} 1")
        .contains("edge_update_duration_seconds_bucket{le=\"+Inf\"} 1")
        .contains("edge_update_duration_seconds_count 1");
  }
}
