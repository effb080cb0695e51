package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.edgeota.api.Slot;

/** The A/B boot scheme and the simulated bootloader as a state machine over a real env file. */
class BootSchemeProperties {

  enum Action {
    POWER_ON,
    PREPARE_TRIAL,
    COMMIT,
    MARK_BAD
  }

  private static UBootEnv freshEnv(int bootlimit) {
    try {
      Path img = Files.createTempFile("ota-bootscheme", ".img");
      img.toFile().deleteOnExit();
      return UBootEnv.create(
          FwEnvConfig.redundant(img, 0, 0x1000, 0x1000), BootScheme.defaultEnvironment(bootlimit));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    return Arbitraries.of(Action.class).list().ofMaxSize(40);
  }

  /**
   * An unconfirmed trial boots the new slot exactly {@code bootlimit} times, then the bootloader
   * falls back to the committed slot and stays there.
   */
  @Property(seed = "6101", tries = 40)
  void unconfirmedTrial_bootsLimitTimesThenFallsBackForGood(
      @ForAll @IntRange(min = 1, max = 5) int bootlimit,
      @ForAll @IntRange(min = 0, max = 10) int extraBoots) {
    UBootEnv env = freshEnv(bootlimit);
    BootScheme scheme = BootScheme.of(env);
    BootloaderSimulator bootloader = BootloaderSimulator.withDefaults();
    scheme.prepareTrial(Slot.B);

    for (int i = 1; i <= bootlimit; i++) {
      BootOutcome o = bootloader.powerOn(env);
      assertThat(o.slot()).isEqualTo(Slot.B);
      assertThat(o.bootcount()).isEqualTo(Integer.toString(i));
    }
    BootOutcome fallback = bootloader.powerOn(env);
    for (int i = 0; i < extraBoots; i++) {
      assertThat(bootloader.powerOn(env).slot()).isEqualTo(Slot.A);
    }

    assertThat(fallback.fellBack()).isTrue();
    assertThat(fallback.slot()).isEqualTo(Slot.A);
    assertThat(scheme.inTrial()).isFalse();
    assertThat(scheme.committedSlot()).isEqualTo(Slot.A);
    assertThat(scheme.bootCount()).isZero();
  }

  /**
   * Whatever the agent and the bootloader do, the device boots only the committed slot or the slot
   * under trial, a trial never outlives the boot limit, and the committed slot changes only by a
   * commit.
   */
  @Property(seed = "6102", tries = 100)
  void anyActionSequence_bootsOnlyCommittedOrTrialSlot(
      @ForAll("actions") @Size(max = 40) List<Action> actions,
      @ForAll @IntRange(min = 1, max = 3) int bootlimit) {
    UBootEnv env = freshEnv(bootlimit);
    BootScheme scheme = BootScheme.of(env);
    BootloaderSimulator bootloader = BootloaderSimulator.withDefaults();
    Slot committed = Slot.A;
    Slot trial = null;
    int trialBoots = 0;

    for (Action a : actions) {
      switch (a) {
        case POWER_ON -> {
          BootOutcome o = bootloader.powerOn(env);
          assertThat(o.slot()).isIn(committed, trial);
          if (trial != null) {
            trialBoots++;
            if (o.fellBack()) {
              assertThat(trialBoots).isEqualTo(bootlimit + 1);
              assertThat(o.slot()).isEqualTo(committed);
              trial = null;
              trialBoots = 0;
            } else {
              assertThat(trialBoots).isLessThanOrEqualTo(bootlimit);
              assertThat(o.slot()).isEqualTo(trial);
            }
          } else {
            assertThat(o.fellBack()).isFalse();
            assertThat(o.saves()).isZero();
          }
        }
        case PREPARE_TRIAL -> {
          if (trial == null) {
            trial = committed.other();
            trialBoots = 0;
            scheme.prepareTrial(trial);
          }
        }
        case COMMIT -> {
          if (trial != null && trialBoots > 0) {
            assertThat(scheme.commit()).isEqualTo(trial);
            committed = trial;
            trial = null;
          }
        }
        case MARK_BAD -> {
          if (trial != null) {
            assertThat(scheme.markBadAndSwitchBack()).isEqualTo(committed);
            trial = null;
          }
        }
      }
      assertThat(scheme.committedSlot()).isEqualTo(committed);
      assertThat(scheme.inTrial()).isEqualTo(trial != null);
    }
  }

  /** Names configured for an existing boot script are the only ones written. */
  @Property(seed = "6103", tries = 20)
  void customVariableNames_onlyThoseAreWritten(@ForAll @IntRange(min = 1, max = 4) int limit) {
    UBootEnv env = freshEnv(limit);
    env.update(
        Map.of(
            "slot",
            "0",
            "tries",
            "0",
            "maxtries",
            Integer.toString(limit),
            "trial",
            "0",
            "fallback",
            "x"),
        Set.of());
    BootScheme.Variables vars =
        new BootScheme.Variables("slot", "0", "1", "tries", "maxtries", "trial", "fallback");
    BootScheme scheme = BootScheme.of(env, vars);
    BootloaderSimulator bootloader = BootloaderSimulator.builder().variables(vars).build();
    Map<String, String> untouched = Map.of("boot_partition", "A", "bootcount", "0");

    scheme.prepareTrial(Slot.B);
    BootOutcome first = bootloader.powerOn(env);

    assertThat(first.slot()).isEqualTo(Slot.B);
    assertThat(env.read())
        .containsEntry("slot", "1")
        .containsEntry("tries", "1")
        .containsAllEntriesOf(untouched);
  }
}
