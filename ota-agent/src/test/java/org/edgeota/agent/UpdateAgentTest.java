package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.agent.SimulatedDevice.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.spi.BootEnv;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.api.spi.HealthCheck;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.health.HealthRunner;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.UBootEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateAgentTest {
  @TempDir Path tmp;

  private final Power power = new Power();

  @Test
  void runCycle_healthyRelease_installsRebootsAndCommits() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    d.powerOn();

    CycleResult cycle = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    Slot booted = d.powerOn().booted().orElseThrow();
    PostBootResult post = d.agent(ctl, power, List.of(check("svc", true))).build().afterBoot();

    assertThat(cycle.state()).isEqualTo(UpdateState.REBOOTING);
    assertThat(cycle.rebootRequested()).isTrue();
    assertThat(booted).isEqualTo(Slot.B);
    assertThat(post.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.COMMITTED);
    BootScheme scheme = d.scheme();
    assertThat(scheme.inTrial()).isFalse();
    assertThat(scheme.bootedSlot()).isEqualTo(Slot.B);
    assertThat(d.slotImage(Slot.B, d.releases.image2.length)).isEqualTo(d.releases.image2);
    assertThat(d.slotImage(Slot.A, d.releases.image1.length)).isEqualTo(d.releases.image1);
    assertThat(d.appVersion()).isEqualTo("2");
    assertThat(d.config().toString()).isEqualTo("{\"release\":\"2\",\"user\":\"mine\"}");
  }

  @Test
  void runCycle_afterCommit_offersNothingAndReportsInstalledVersion() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    updateAndBoot(d, ctl, true);

    CycleResult next = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(next.state()).isEqualTo(UpdateState.IDLE);
    assertThat(next.rebootRequested()).isFalse();
  }

  @Test
  void afterBoot_healthCheckFails_marksBadSwitchesBackAndReportsRollback() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);

    PostBootResult post = updateAndBoot(d, ctl, false);
    Slot after = d.powerOn().booted().orElseThrow();
    PostBootResult settle = d.agent(ctl, power, List.of(check("svc", true))).build().afterBoot();

    assertThat(post.state()).isEqualTo(UpdateState.ROLLED_BACK);
    assertThat(post.reason()).isEqualTo(ReasonCode.HEALTH_CHECK_FAILED);
    assertThat(post.rebootRequested()).isTrue();
    assertThat(post.health().healthy()).isFalse();
    assertThat(after).isEqualTo(Slot.A);
    assertThat(settle.state()).isEqualTo(UpdateState.ROLLED_BACK);
    assertThat(d.agent(ctl, power, List.of()).build().journaledState()).isEqualTo(UpdateState.IDLE);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.ROLLED_BACK);
    assertThat(d.appVersion()).isEqualTo("1");
    assertThat(d.config().get("release").asText()).isEqualTo("1");
    assertThat(d.scheme().inTrial()).isFalse();
  }

  @Test
  void afterBoot_bootloaderFellBack_reportsRolledBack() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    d.powerOn();
    d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    for (int i = 0; i < 4; i++) {
      d.powerOn();
    }

    PostBootResult post = d.agent(ctl, power, List.of(check("svc", true))).build().afterBoot();

    assertThat(post.state()).isEqualTo(UpdateState.ROLLED_BACK);
    assertThat(post.reason()).isEqualTo(ReasonCode.TRIAL_BOOT_FAILED);
    assertThat(post.detail()).contains("fell back");
    assertThat(ctl.outcomes()).containsExactly(UpdateState.ROLLED_BACK);
    assertThat(d.appVersion()).isEqualTo("1");
  }

  @Test
  void runCycle_unknownComponentType_failsBeforeAnythingIsInstalledOrDownloaded() throws Exception {
    Component vendor =
        SimulatedDevice.component("modem", "modem-firmware", "modem.bin", new byte[] {1}, 0, false);
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases(List.of(vendor)));
    StubController ctl = controller(d);
    byte[] slotB = Files.readAllBytes(d.slotFiles.get(Slot.B));
    d.powerOn();

    CycleResult cycle = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(cycle.state()).isEqualTo(UpdateState.FAILED);
    assertThat(cycle.reason()).isEqualTo(ReasonCode.COMPONENT_TYPE_UNKNOWN);
    assertThat(cycle.detail()).contains("modem-firmware");
    assertThat(ctl.downloads).isEmpty();
    assertThat(Files.readAllBytes(d.slotFiles.get(Slot.B))).isEqualTo(slotB);
    assertThat(d.appVersion()).isEqualTo("1");
    assertThat(ctl.outcomes()).containsExactly(UpdateState.FAILED);
  }

  @Test
  void afterBoot_vendorComponentAndHealthFails_vendorInstallerRolledBackAfterInstall() {
    SimulatedDevice d = deviceWithVendorModem();
    StubController ctl = controller(d);
    List<String> calls = new java.util.ArrayList<>();
    ComponentInstaller modem =
        modemInstaller(
            (component, payload) ->
                calls.add("install " + component.name() + " " + payload.getFileName()),
            component -> calls.add("rollback " + component.name()));
    d.powerOn();
    d.agent(ctl, power, List.of(check("svc", false))).installer(modem).build().runCycle();
    d.powerOn();

    PostBootResult post =
        d.agent(ctl, power, List.of(check("svc", false))).installer(modem).build().afterBoot();

    assertThat(post.state()).isEqualTo(UpdateState.ROLLED_BACK);
    assertThat(calls).containsExactly("install modem modem.bin", "rollback modem");
    assertThat(d.appVersion()).isEqualTo("1");
  }

  /**
   * A component whose rollback failed was logged at ERROR only: the ROLLED_BACK report said the
   * health check failed and nothing else, so the controller could not tell that the device was left
   * with a half-rolled-back component. The report now names it.
   */
  @Test
  void afterBoot_componentRollbackThrows_reportNamesTheComponentAndDeviceStillRollsBack() {
    SimulatedDevice d = deviceWithVendorModem();
    StubController ctl = controller(d);
    ComponentInstaller modem =
        modemInstaller(
            (component, payload) -> {},
            component -> {
              throw new IllegalStateException("modem flash busy");
            });
    d.powerOn();
    d.agent(ctl, power, List.of(check("svc", false))).installer(modem).build().runCycle();
    d.powerOn();

    PostBootResult post =
        d.agent(ctl, power, List.of(check("svc", false))).installer(modem).build().afterBoot();

    assertThat(post.state()).isEqualTo(UpdateState.ROLLED_BACK);
    assertThat(d.appVersion()).isEqualTo("1");
    assertThat(ctl.counted.values())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(UpdateState.ROLLED_BACK);
              assertThat(r.detail())
                  .contains("rollback of component modem failed: modem flash busy");
            });
  }

  @Test
  void runCycle_manifestSignedByUnknownKey_isRefusedBeforeAnyDownload() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    String tampered = d.releases.manifest.replace("\"2.0.0\"", "\"2.0.1\"");
    StubController ctl = new StubController(tampered, "2.0.1", d.releases.artifacts, null);
    d.powerOn();

    CycleResult cycle = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(cycle.state()).isEqualTo(UpdateState.FAILED);
    assertThat(cycle.reason().name()).startsWith("SIGNATURE");
    assertThat(ctl.downloads).isEmpty();
  }

  @Test
  void runCycle_controllerUnreachable_staysIdleWithTransportReason() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    ctl.offline = true;
    d.powerOn();

    CycleResult cycle = d.agent(ctl, power, List.of()).build().runCycle();

    assertThat(cycle.state()).isEqualTo(UpdateState.IDLE);
    assertThat(cycle.reason()).isEqualTo(ReasonCode.TRANSPORT_ERROR);
  }

  @Test
  void runCycle_networkLostDuringDownload_resumesNextCycleWithoutReportingFailure() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    ctl.failNextDownloads = 2;
    d.powerOn();

    CycleResult first = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    CycleResult second = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    CycleResult third = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(first.state()).isEqualTo(UpdateState.DOWNLOADING);
    assertThat(first.reason()).isEqualTo(ReasonCode.RETRIES_EXHAUSTED);
    assertThat(second.state()).isEqualTo(UpdateState.DOWNLOADING);
    assertThat(third.state()).isEqualTo(UpdateState.REBOOTING);
    assertThat(ctl.counted).isEmpty();
    assertThat(ctl.checkIns).isEqualTo(1);
  }

  @Test
  void runCycle_releaseExpiresWhileDownloadIsInterrupted_failsWithExpiry() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    ctl.failNextDownloads = 1;
    d.powerOn();
    d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    d.clock.advance(Duration.ofDays(365));

    CycleResult later = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(later.state()).isEqualTo(UpdateState.FAILED);
    assertThat(later.reason()).isEqualTo(ReasonCode.MANIFEST_EXPIRED);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.FAILED);
  }

  @Test
  void afterBoot_healthPassesOnlyAfterDelay_commitsOnRetry() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    installAndReboot(d, ctl, true);
    long startedAt = System.nanoTime();
    HealthCheck slowStarter =
        new HealthCheck() {
          @Override
          public String name() {
            return "slow-service";
          }

          @Override
          public boolean critical() {
            return true;
          }

          @Override
          public Duration timeout() {
            return Duration.ofSeconds(2);
          }

          @Override
          public Result check() {
            boolean up = System.nanoTime() - startedAt > Duration.ofMillis(300).toNanos();
            return up ? Result.pass("listening") : Result.fail("not yet listening");
          }
        };
    HealthRunner runner =
        HealthRunner.builder()
            .check(slowStarter)
            .retries(10)
            .retryDelay(Duration.ofMillis(100))
            .build();

    PostBootResult post = d.agent(ctl, power, List.of()).healthRunner(runner).build().afterBoot();

    assertThat(post.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(post.health().results().get(0).attempts()).isGreaterThan(1);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.COMMITTED);
  }

  @Test
  void afterBoot_commitWriteFails_isRetriedAndNeverReportedAsSuccess() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    installAndReboot(d, ctl, true);
    AtomicInteger failuresLeft = new AtomicInteger(4);
    BootEnv flaky = failingCommits(UBootEnv.of(d.envConfig), failuresLeft);
    UpdateAgent.Builder builder = d.agent(ctl, power, List.of(check("svc", true)));

    PostBootResult first =
        builder.bootScheme(BootScheme.of(flaky)).commitAttempts(3).build().afterBoot();
    boolean trialAfterFirst = d.scheme().inTrial();
    PostBootResult second =
        d.agent(ctl, power, List.of(check("svc", true)))
            .bootScheme(BootScheme.of(flaky))
            .build()
            .afterBoot();

    assertThat(first.state()).isEqualTo(UpdateState.TRIAL);
    assertThat(first.reason()).isEqualTo(ReasonCode.COMMIT_FAILED);
    assertThat(trialAfterFirst).isTrue();
    assertThat(second.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.COMMITTED);
    assertThat(d.scheme().inTrial()).isFalse();
    assertThat(d.scheme().bootedSlot()).isEqualTo(Slot.B);
  }

  @Test
  void runCycle_controllerRejectsReportThreeTimes_reportIsDeliveredOnceLater() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    ctl.rejectNextReports = 3;

    updateAndBoot(d, ctl, true);
    for (int i = 0; i < 4; i++) {
      d.clock.advance(Duration.ofSeconds(10));
      d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();
    }

    assertThat(ctl.deliveries).isEqualTo(4);
    assertThat(ctl.counted).hasSize(1);
    assertThat(ctl.outcomes()).containsExactly(UpdateState.COMMITTED);
    assertThat(d.agent(ctl, power, List.of()).build().outbox().pending()).isEmpty();
  }

  @Test
  void runCycle_corruptJournal_isQuarantinedAndReported() throws Exception {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    Files.createDirectories(d.stateDir);
    Files.writeString(d.stateDir.resolve("journal.json"), "{\"format\":1,\"record\":");
    d.powerOn();

    d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(ctl.counted.values())
        .anySatisfy(r -> assertThat(r.reason()).isEqualTo("JOURNAL_CORRUPT"));
    try (var files = Files.list(d.stateDir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("journal.json.corrupt-"));
    }
  }

  @Test
  void afterBoot_corruptJournalDuringTrial_switchesBackAndReports() throws Exception {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    installAndReboot(d, ctl, true);
    Files.writeString(d.stateDir.resolve("journal.json"), "garbage");

    PostBootResult post = d.agent(ctl, power, List.of(check("svc", true))).build().afterBoot();
    Slot after = d.powerOn().booted().orElseThrow();
    CycleResult next = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(post.reason()).isEqualTo(ReasonCode.JOURNAL_CORRUPT);
    assertThat(post.rebootRequested()).isTrue();
    assertThat(after).isEqualTo(Slot.A);
    assertThat(d.scheme().inTrial()).isFalse();
    assertThat(ctl.counted.values())
        .anySatisfy(r -> assertThat(r.reason()).isEqualTo("JOURNAL_CORRUPT"));
    assertThat(next.rebootRequested()).isFalse();
    assertThat(d.slotImage(Slot.A, d.releases.image1.length)).isEqualTo(d.releases.image1);
  }

  @Test
  void runCycle_rolledBackRelease_isNotInstalledAgain() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    StubController ctl = controller(d);
    updateAndBoot(d, ctl, false);
    d.powerOn();
    d.agent(ctl, power, List.of()).build().afterBoot();
    StubController again = controller(d);

    CycleResult cycle = d.agent(again, power, List.of(check("svc", true))).build().runCycle();

    assertThat(cycle.state()).isEqualTo(UpdateState.IDLE);
    assertThat(cycle.detail()).contains("rolled back");
    assertThat(again.downloads).isEmpty();
  }

  @Test
  void runCycle_firmwareDeltaMatchesInstalledImage_downloadsOnlyThePatch() throws Exception {
    SimulatedDevice d = deviceOfferingFirmwareDelta(StubController::sha256);
    StubController ctl = controller(d);

    PostBootResult post = updateAndBoot(d, ctl, true);

    assertThat(post.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(ctl.downloads).contains("fw-1-to-2.bsdiff").doesNotContain("fw-2.bin");
    assertThat(d.slotImage(Slot.B, d.releases.image2.length)).isEqualTo(d.releases.image2);
  }

  @Test
  void runCycle_firmwareDeltaForAnotherBase_fallsBackToFullImage() throws Exception {
    SimulatedDevice d = deviceOfferingFirmwareDelta(image -> "0".repeat(64));
    StubController ctl = controller(d);

    PostBootResult post = updateAndBoot(d, ctl, true);

    assertThat(post.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(ctl.downloads).contains("fw-2.bin");
    assertThat(d.slotImage(Slot.B, d.releases.image2.length)).isEqualTo(d.releases.image2);
  }

  /**
   * When the delta did not fit and the full image had to be fetched while installing, one lost
   * connection failed the whole update, although a download in DOWNLOADING would have resumed.
   */
  @Test
  void runCycle_fullImageFetchFailsAfterDeltaFallback_staysInstallingAndResumesNextCycle()
      throws Exception {
    SimulatedDevice d = deviceOfferingFirmwareDelta(image -> "0".repeat(64));
    StubController ctl = controller(d);
    ctl.failNextDownloadsOf.put("fw-2.bin", 1);
    d.powerOn();
    UpdateAgent agent = d.agent(ctl, power, List.of(check("svc", true))).build();

    CycleResult first = agent.runCycle();
    boolean trialAfterFirst = d.scheme().inTrial();
    boolean reportedAfterFirst = ctl.outcomeReported();
    CycleResult second = agent.runCycle();

    assertThat(first.state()).isEqualTo(UpdateState.INSTALLING);
    assertThat(first.reason()).isEqualTo(ReasonCode.RETRIES_EXHAUSTED);
    assertThat(first.rebootRequested()).isFalse();
    assertThat(reportedAfterFirst).isFalse();
    assertThat(trialAfterFirst).isFalse();
    assertThat(second.state()).isEqualTo(UpdateState.REBOOTING);
    assertThat(second.rebootRequested()).isTrue();
    assertThat(ctl.downloads).containsSubsequence("fw-2.bin", "fw-2.bin");
    assertThat(d.slotImage(Slot.B, d.releases.image2.length)).isEqualTo(d.releases.image2);
  }

  @Test
  void runCycle_releaseWithoutFirmware_isHealthCheckedAndCommittedInPlace() {
    SimulatedDevice d = new SimulatedDevice(tmp, new SimulatedDevice.Releases());
    SimulatedDevice.Releases r = d.releases;
    String manifest =
        SimulatedDevice.sign(
            SimulatedDevice.release(
                SimulatedDevice.V2,
                2,
                List.of(
                    SimulatedDevice.component(
                        "web", Component.TYPE_APPLICATION, "app-2.tar.gz", r.app2, 1, false))));
    StubController ctl = new StubController(manifest, "2.0.0", r.artifacts, null);
    d.powerOn();

    CycleResult cycle = d.agent(ctl, power, List.of(check("svc", true))).build().runCycle();

    assertThat(cycle.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(cycle.rebootRequested()).isFalse();
    assertThat(d.appVersion()).isEqualTo("2");
    assertThat(d.scheme().bootedSlot()).isEqualTo(Slot.A);
    assertThat(d.scheme().inTrial()).isFalse();
  }

  /** A device whose release 2.0.0 also carries a vendor "modem-firmware" component. */
  private SimulatedDevice deviceWithVendorModem() {
    byte[] modemImage = {7, 7, 7};
    Component vendor =
        SimulatedDevice.component("modem", "modem-firmware", "modem.bin", modemImage, 4, false);
    return new SimulatedDevice(
        tmp,
        new SimulatedDevice.Releases(
            List.of(vendor), List.of(), java.util.Map.of("modem.bin", modemImage)));
  }

  /** An installer of "modem-firmware" components that runs the given actions. */
  private static ComponentInstaller modemInstaller(
      java.util.function.BiConsumer<Component, Path> onInstall,
      java.util.function.Consumer<Component> onRollback) {
    return new ComponentInstaller() {
      @Override
      public String type() {
        return "modem-firmware";
      }

      @Override
      public void install(Component component, Path payload, Context context) {
        onInstall.accept(component, payload);
      }

      @Override
      public void rollback(Component component, Context context) {
        onRollback.accept(component);
      }
    };
  }

  /** A device whose release offers a bsdiff patch from V1 declared for the given base digest. */
  private SimulatedDevice deviceOfferingFirmwareDelta(Function<byte[], String> baseDigestOfV1)
      throws Exception {
    SimulatedDevice.Releases plain = new SimulatedDevice.Releases();
    byte[] patch = bsdiff(plain.image1, plain.image2);
    DeltaArtifact delta =
        new DeltaArtifact(
            SimulatedDevice.V1,
            baseDigestOfV1.apply(plain.image1),
            "fw-1-to-2.bsdiff",
            patch.length,
            StubController.sha256(patch),
            "bsdiff");
    return new SimulatedDevice(
        tmp,
        new SimulatedDevice.Releases(
            List.of(), List.of(delta), java.util.Map.of("fw-1-to-2.bsdiff", patch)));
  }

  private byte[] bsdiff(byte[] from, byte[] to) throws Exception {
    Path a = Files.write(tmp.resolve("old.bin"), from);
    Path b = Files.write(tmp.resolve("new.bin"), to);
    Path p = tmp.resolve("patch.bsdiff");
    DeltaGenerator.builder().maxRatio(100).build().diff(a, b, p);
    byte[] bytes = Files.readAllBytes(p);
    Files.delete(a);
    Files.delete(b);
    Files.delete(p);
    return bytes;
  }

  /** Runs one update cycle with the given service health, then powers the device on again. */
  private void installAndReboot(SimulatedDevice d, StubController ctl, boolean healthy) {
    d.powerOn();
    d.agent(ctl, power, List.of(check("svc", healthy))).build().runCycle();
    d.powerOn();
  }

  private PostBootResult updateAndBoot(SimulatedDevice d, StubController ctl, boolean healthy) {
    installAndReboot(d, ctl, healthy);
    return d.agent(ctl, power, List.of(check("svc", healthy))).build().afterBoot();
  }

  private static StubController controller(SimulatedDevice d) {
    return new StubController(d.releases.manifest, "2.0.0", d.releases.artifacts, null);
  }

  /** An environment whose writes clearing the trial flag fail a number of times. */
  private static BootEnv failingCommits(BootEnv env, AtomicInteger failuresLeft) {
    return new BootEnv() {
      @Override
      public java.util.Map<String, String> read() {
        return env.read();
      }

      @Override
      public void update(java.util.Map<String, String> set, java.util.Set<String> unset) {
        if ("0".equals(set.get("upgrade_available")) && failuresLeft.getAndDecrement() > 0) {
          throw new OtaException(
              ReasonCode.BOOT_ENV_WRITE_FAILED, "env", "read-back differs from what was written");
        }
        env.update(set, unset);
      }
    };
  }
}
