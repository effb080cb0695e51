package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.agent.SimulatedDevice.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.edgeota.agent.internal.Journal;
import org.edgeota.agent.internal.JournalRecord;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.partition.BootOutcome;

/** Stateful properties of the agent's state machine, on the journal and on a whole device. */
class AgentStateMachineProperties {
  private final List<Path> created = new ArrayList<>();

  @AfterTry
  void removeDirectories() {
    for (Path p : created) {
      try (Stream<Path> s = Files.walk(p)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    created.clear();
  }

  // ------------------------------------------------------------------ the journal

  /**
   * The journal accepts exactly the transitions of the cycle as the design describes it (written
   * here independently of the table in {@link Transitions}), refuses the others naming both states
   * without writing anything, and what it wrote is what a new journal reads from disk.
   */
  @Property(seed = "7341", tries = 80)
  void journal_followsCycleAndSurvivesReload(
      @ForAll("journalChains") ActionChain<JournalModel> chain) {
    chain.withInvariant("disk equals model", JournalModel::checkDisk).run();
  }

  @Provide
  Arbitrary<ActionChain<JournalModel>> journalChains() {
    return ActionChain.<JournalModel>startWith(() -> new JournalModel(tempDir()))
        .withAction(new AttemptTransition())
        .withMaxTransformations(30);
  }

  static final class JournalModel {
    final Path dir;
    final Journal journal;
    UpdateState state = UpdateState.IDLE;

    JournalModel(Path dir) {
      this.dir = dir;
      this.journal = new Journal(dir, Clock.fixed(SimulatedDevice.NOW, ZoneOffset.UTC));
      journal.initialise(JournalRecord.initial("1.0.0", 0));
    }

    void checkDisk() {
      JournalRecord r = new Journal(dir, Clock.systemUTC()).load().orElseThrow();
      assertThat(r.state()).isEqualTo(state);
    }

    /** The cycle in words: forward one step; give up from any step; leave an outcome to idle. */
    static boolean legal(UpdateState from, UpdateState to) {
      List<UpdateState> forward =
          List.of(
              UpdateState.IDLE,
              UpdateState.CHECKING,
              UpdateState.DOWNLOADING,
              UpdateState.VERIFYING,
              UpdateState.INSTALLING,
              UpdateState.REBOOTING,
              UpdateState.TRIAL,
              UpdateState.COMMITTED);
      int i = forward.indexOf(from);
      boolean step = i >= 0 && i + 1 < forward.size() && forward.get(i + 1) == to;
      boolean inUpdate = EnumSet.range(UpdateState.CHECKING, UpdateState.TRIAL).contains(from);
      boolean giveUp = inUpdate && (to == UpdateState.FAILED || to == UpdateState.ROLLED_BACK);
      boolean nothingAssigned = from == UpdateState.CHECKING && to == UpdateState.IDLE;
      boolean noReboot = from == UpdateState.INSTALLING && to == UpdateState.TRIAL;
      boolean settle = from.isTerminal() && to == UpdateState.IDLE;
      return step || giveUp || nothingAssigned || noReboot || settle;
    }
  }

  static final class AttemptTransition implements Action.Independent<JournalModel> {
    @Override
    public Arbitrary<Transformer<JournalModel>> transformer() {
      return Arbitraries.of(UpdateState.class)
          .map(
              to ->
                  Transformer.mutate(
                      "to " + to,
                      m -> {
                        UpdateState from = m.state;
                        JournalRecord next = m.journal.current().withState(to);
                        if (JournalModel.legal(from, to)) {
                          m.journal.transition(next);
                          m.state = to;
                        } else {
                          assertThatThrownBy(() -> m.journal.transition(next))
                              .isInstanceOf(OtaException.class)
                              .hasMessageContaining(from.name())
                              .hasMessageContaining(to.name())
                              .extracting(e -> ((OtaException) e).reason())
                              .isEqualTo(ReasonCode.ILLEGAL_TRANSITION);
                        }
                      }));
    }
  }

  // ------------------------------------------------------------------ a whole device

  /**
   * Random sequences of power-ons, power cuts (at a step or inside a slot write), controller
   * outages and health changes never break the device: slot A (active when the update starts) is
   * never written, a booted slot B holds the new release exactly, the journal always loads, at most
   * one outcome is counted, and a committed release keeps running.
   */
  @Property(seed = "20261204", tries = 25)
  void device_randomLivesAndCuts_keepInvariants(
      @ForAll("deviceChains") ActionChain<DeviceModel> chain) {
    chain.withInvariant("device invariants", DeviceModel::verify).run();
  }

  @Provide
  Arbitrary<ActionChain<DeviceModel>> deviceChains() {
    return ActionChain.<DeviceModel>startWith(() -> new DeviceModel(tempDir()))
        .withAction(3, new Life())
        .withAction(2, new CutLife())
        .withAction(1, new SlotWriteCut())
        .withAction(
            1, Action.just(Transformer.mutate("controller flips online", m -> flipOffline(m))))
        .withAction(1, Action.just(Transformer.mutate("health flips", m -> flipHealth(m))))
        .withMaxTransformations(20);
  }

  private static DeviceModel flipOffline(DeviceModel m) {
    m.controller.offline = !m.controller.offline;
    return m;
  }

  private static DeviceModel flipHealth(DeviceModel m) {
    m.healthy = !m.healthy;
    return m;
  }

  static final class DeviceModel {
    final SimulatedDevice device;
    final Power power = new Power();
    final StubController controller;
    final byte[] slotA;
    boolean healthy = true;
    boolean committedSeen;

    DeviceModel(Path dir) {
      device = new SimulatedDevice(dir, new SimulatedDevice.Releases());
      controller =
          new StubController(device.releases.manifest, "2.0.0", device.releases.artifacts, power);
      slotA = read(device.slotFiles.get(Slot.A));
    }

    void life(long cutStep, long cutBytes) {
      device.clock.advance(Duration.ofMinutes(1));
      BootOutcome boot = device.powerOn();
      Slot booted = boot.booted().orElseThrow();
      if (booted == Slot.B) {
        assertThat(device.slotImage(Slot.B, device.releases.image2.length))
            .isEqualTo(device.releases.image2);
      }
      power.arm(cutStep, cutBytes);
      try {
        UpdateAgent agent = device.agent(controller, power, List.of(check("svc", healthy))).build();
        if (!agent.afterBoot().rebootRequested()) {
          agent.runCycle();
        }
      } catch (Power.PowerCut cut) {
        power.processDied();
      } finally {
        power.disarm();
      }
    }

    void verify() {
      assertThat(read(device.slotFiles.get(Slot.A))).isEqualTo(slotA);
      JournalRecord r = new Journal(device.stateDir, device.clock).load().orElse(null);
      List<UpdateState> outcomes = controller.outcomes();
      assertThat(outcomes).hasSizeLessThanOrEqualTo(1);
      if (outcomes.contains(UpdateState.COMMITTED)) {
        committedSeen = true;
      }
      if (committedSeen && r != null && r.state() == UpdateState.IDLE) {
        assertThat(r.committedVersion()).isEqualTo("2.0.0");
        assertThat(device.scheme().bootedSlot()).isEqualTo(Slot.B);
        assertThat(device.scheme().inTrial()).isFalse();
      }
    }
  }

  static final class Life implements Action.Independent<DeviceModel> {
    @Override
    public Arbitrary<Transformer<DeviceModel>> transformer() {
      return Arbitraries.just(Transformer.mutate("power on and run", m -> m.life(-1, -1)));
    }
  }

  static final class CutLife implements Action.Independent<DeviceModel> {
    @Override
    public Arbitrary<Transformer<DeviceModel>> transformer() {
      return Arbitraries.integers()
          .between(1, 30)
          .map(k -> Transformer.mutate("power on, cut at step " + k, m -> m.life(k, -1)));
    }
  }

  static final class SlotWriteCut implements Action.Independent<DeviceModel> {
    @Override
    public Arbitrary<Transformer<DeviceModel>> transformer() {
      return Arbitraries.integers()
          .between(0, 6 * 1024)
          .map(
              n ->
                  Transformer.mutate(
                      "power on, cut after " + n + " slot bytes", m -> m.life(-1, n)));
    }
  }

  private Path tempDir() {
    try {
      Path shm = Path.of("/dev/shm");
      Path base =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? shm
              : Path.of(System.getProperty("java.io.tmpdir"));
      Path dir = Files.createTempDirectory(base, "ota-agent-props-");
      created.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
