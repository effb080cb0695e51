package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.agent.SimulatedDevice.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.edgeota.agent.internal.Journal;
import org.edgeota.agent.internal.JournalRecord;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.partition.BootOutcome;
import org.edgeota.partition.BootScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts power at every recorded step of an update and at random points inside slot writes, then lets
 * the bootloader simulator boot the device and starts a new agent from what is on disk.
 *
 * <p>After every power-on: slot A still holds release 1.0.0 byte for byte (it is the active slot
 * when the update starts and must never be written), and a booted slot B holds exactly release
 * 2.0.0. At the end: the environment reads back without a trial, the device runs slot B with 2.0.0
 * committed (application and configuration of 2.0.0) or slot A with 1.0.0 (application and
 * configuration exactly as before) and a failure or rollback counted by the controller, exactly one
 * outcome was counted, the outbox is empty and the journal idle.
 */
class PowerCutHarnessTest {
  private static final Logger LOG = LoggerFactory.getLogger(PowerCutHarnessTest.class);
  private static final SimulatedDevice.Releases RELEASES = new SimulatedDevice.Releases();
  private static final int MAX_LIVES = 60;

  @TempDir Path tempDir;

  private Path tmp;
  private int runs;
  private int deltaRuns;
  private SimulatedDevice.Releases deltaReleases;

  /** A plan: in which life (0 = first start) to cut at which step, or after how many bytes. */
  private record Cut(long step, long bytes) {
    static final Cut NONE = new Cut(-1, -1);
  }

  private record Outcome(int cuts, UpdateState outcome, List<List<String>> stepsPerLife) {}

  @Test
  void update_powerCutAtEveryStepAndInsideSlotWrites_deviceAlwaysConsistent() throws IOException {
    tmp = fastDirectory();
    try {
      runAll();
    } finally {
      deleteTree(tmp);
    }
  }

  private void runAll() throws IOException {
    deltaReleases = withDelta();
    long started = System.nanoTime();
    int cuts = 0;
    int runsWithCuts = 0;
    Map<UpdateState, Integer> outcomes = new HashMap<>();
    for (boolean healthy : new boolean[] {true, false}) {
      Outcome clean = run(RELEASES, healthy, life -> Cut.NONE, true);
      assertThat(clean.outcome())
          .isEqualTo(healthy ? UpdateState.COMMITTED : UpdateState.ROLLED_BACK);
      for (int life = 0; life < clean.stepsPerLife().size(); life++) {
        int steps = clean.stepsPerLife().get(life).size();
        for (int k = 1; k <= steps; k++) {
          int cutLife = life;
          long cutStep = k;
          Outcome o =
              run(RELEASES, healthy, l -> l == cutLife ? new Cut(cutStep, -1) : Cut.NONE, false);
          assertThat(o.cuts())
              .as("cut at life %d step %d (%s)", life, k, clean.stepsPerLife().get(life).get(k - 1))
              .isEqualTo(1);
          cuts += o.cuts();
          runsWithCuts++;
          outcomes.merge(o.outcome(), 1, Integer::sum);
        }
      }
    }
    int systematic = cuts;
    Random random = new Random(20261204L);
    while (cuts < 1_000) {
      boolean healthy = random.nextInt(4) != 0;
      long seed = random.nextLong();
      boolean delta = random.nextInt(3) == 0;
      Outcome o = run(delta ? deltaReleases : RELEASES, healthy, randomPlan(seed), false);
      deltaRuns += delta ? 1 : 0;
      cuts += o.cuts();
      runsWithCuts++;
      outcomes.merge(o.outcome(), 1, Integer::sum);
    }

    System.out.println(
        "power-cut harness: "
            + cuts
            + " injected power cuts over "
            + runsWithCuts
            + " update runs ("
            + systematic
            + " at every recorded step, the rest seeded-random incl. inside slot writes; "
            + deltaRuns
            + " runs offered the firmware as a bsdiff delta and never fetched the full image)"
            + " in "
            + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms; outcomes "
            + outcomes);
    assertThat(cuts).isGreaterThanOrEqualTo(1_000);
    assertThat(outcomes).containsKeys(UpdateState.COMMITTED, UpdateState.ROLLED_BACK);
  }

  /** Random plan: up to 6 cuts, each in a random step or at a random byte of a slot write. */
  private static java.util.function.IntFunction<Cut> randomPlan(long seed) {
    Random r = new Random(seed);
    int[] left = {1 + r.nextInt(6)};
    return life -> {
      if (left[0] == 0 || r.nextInt(10) == 0) {
        return Cut.NONE;
      }
      left[0]--;
      return r.nextInt(3) == 0
          ? new Cut(-1, r.nextInt(RELEASES.image2.length))
          : new Cut(1 + r.nextInt(24), -1);
    };
  }

  /** Release 2.0.0 whose firmware comes as a bsdiff delta from the factory image. */
  private SimulatedDevice.Releases withDelta() throws IOException {
    Path a = Files.write(tmp.resolve("image1.bin"), RELEASES.image1);
    Path b = Files.write(tmp.resolve("image2.bin"), RELEASES.image2);
    Path p = tmp.resolve("fw-1-to-2.bsdiff");
    DeltaGenerator.builder().maxRatio(100).build().diff(a, b, p);
    byte[] patch = Files.readAllBytes(p);
    DeltaArtifact delta =
        new DeltaArtifact(
            SimulatedDevice.V1,
            StubController.sha256(RELEASES.image1),
            "fw-1-to-2.bsdiff",
            patch.length,
            StubController.sha256(patch),
            "bsdiff");
    return new SimulatedDevice.Releases(
        List.of(), List.of(delta), Map.of("fw-1-to-2.bsdiff", patch));
  }

  /**
   * Returns a directory for the simulated devices: a RAM file system when the machine has one, so
   * that the thousands of fsyncs of the harness stay cheap (the harness tests the agent's logic
   * under power cuts; what a disk keeps after fsync is the kernel's business), else the test's
   * temporary directory.
   */
  private Path fastDirectory() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "ota-agent-harness-");
    }
    return tempDir;
  }

  private Outcome run(
      SimulatedDevice.Releases releases,
      boolean healthy,
      java.util.function.IntFunction<Cut> plan,
      boolean record) {
    Path dir = tmp.resolve("run-" + (runs++));
    SimulatedDevice d = new SimulatedDevice(dir, releases);
    Power power = new Power();
    StubController ctl = new StubController(releases.manifest, "2.0.0", releases.artifacts, power);
    byte[] slotA = read(d.slotFiles.get(Slot.A));
    int cuts = 0;
    List<List<String>> stepsPerLife = new ArrayList<>();
    boolean finished = false;
    boolean fellBack = false;
    for (int life = 0; !finished; life++) {
      assertThat(life).as("power-ons before the device settles").isLessThan(MAX_LIVES);
      d.clock.advance(Duration.ofMinutes(1));
      BootOutcome boot = d.powerOn();
      assertBootInvariant(d, boot, slotA);
      fellBack |= boot.fellBack();
      Cut cut = plan.apply(life);
      power.arm(cut.step(), cut.bytes());
      power.record(record);
      try {
        finished = live(d, ctl, power, healthy);
      } catch (Power.PowerCut c) {
        cuts++;
        power.processDied();
      } finally {
        if (record) {
          stepsPerLife.add(power.recordedSteps());
        }
        power.disarm();
      }
    }
    UpdateState outcome = assertSettled(d, ctl, slotA, healthy);
    if (releases.artifacts.containsKey("fw-1-to-2.bsdiff")) {
      assertThat(ctl.downloads).as("delta used").doesNotContain("fw-2.bin");
    }
    if (healthy && outcome == UpdateState.ROLLED_BACK) {
      assertThat(fellBack).as("a healthy release is rolled back only by the bootloader").isTrue();
    }
    if (healthy && outcome == UpdateState.FAILED) {
      assertThat(ctl.counted.values())
          .anySatisfy(r -> assertThat(r.reason()).isEqualTo("REBOOT_FAILED"));
    }
    deleteTree(dir);
    return new Outcome(cuts, outcome, stepsPerLife);
  }

  /** One life of the device: post-boot step, then cycles until it reboots or settles. */
  private static boolean live(SimulatedDevice d, StubController ctl, Power power, boolean healthy) {
    UpdateAgent agent = d.agent(ctl, power, List.of(check("service", healthy))).build();
    if (agent.afterBoot().rebootRequested()) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      CycleResult c = agent.runCycle();
      if (c.rebootRequested()) {
        return false;
      }
      if (ctl.outcomeReported()
          && agent.outbox().pending().isEmpty()
          && agent.journaledState() == UpdateState.IDLE) {
        return true;
      }
      d.clock.advance(Duration.ofSeconds(10));
    }
    return false;
  }

  private static void assertBootInvariant(SimulatedDevice d, BootOutcome boot, byte[] slotA) {
    Slot booted = boot.booted().orElseThrow(() -> new AssertionError("boot failed: " + boot));
    assertThat(read(d.slotFiles.get(Slot.A))).as("slot A is never written").isEqualTo(slotA);
    if (booted == Slot.B) {
      assertThat(d.slotImage(Slot.B, RELEASES.image2.length))
          .as("booted slot B holds release 2.0.0 exactly")
          .isEqualTo(RELEASES.image2);
    }
  }

  private static UpdateState assertSettled(
      SimulatedDevice d, StubController ctl, byte[] slotA, boolean healthy) {
    BootScheme scheme = d.scheme();
    Map<String, String> env = scheme.env().read();
    assertThat(env).as("environment reads back").isNotEmpty();
    FwPrintenv.readIfInstalled(d)
        .ifPresent(
            tool -> assertThat(tool).as("fw_printenv reads the same environment").isEqualTo(env));
    assertThat(scheme.inTrial()).as("no trial left pending").isFalse();
    BootOutcome boot = d.powerOn();
    assertBootInvariant(d, boot, slotA);
    assertThat(ctl.outcomes()).as("exactly one outcome counted").hasSize(1);
    UpdateState outcome = ctl.outcomes().get(0);
    JournalRecord journal = new Journal(d.stateDir, d.clock).load().orElseThrow();
    assertThat(journal.state()).isEqualTo(UpdateState.IDLE);
    if (outcome == UpdateState.COMMITTED) {
      assertThat(healthy).as("an unhealthy release is never committed").isTrue();
      assertThat(boot.booted()).contains(Slot.B);
      assertThat(journal.committedVersion()).isEqualTo("2.0.0");
      assertThat(journal.highestAcceptedSequence()).isEqualTo(2);
      assertThat(d.appVersion()).isEqualTo("2");
      assertThat(d.config().toString()).isEqualTo("{\"release\":\"2\",\"user\":\"mine\"}");
    } else {
      assertThat(outcome).isIn(UpdateState.FAILED, UpdateState.ROLLED_BACK);
      assertThat(boot.booted()).contains(Slot.A);
      assertThat(journal.committedVersion()).isEqualTo("1.0.0");
      assertThat(d.appVersion()).isEqualTo("1");
      assertThat(d.config().toString())
          .isEqualTo("{\"release\":\"1\",\"removed\":1,\"user\":\"mine\"}");
    }
    return outcome;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
