package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootSchemeTest {
  @TempDir Path dir;

  private UBootEnv env(int bootlimit) {
    return UBootEnv.create(
        FwEnvConfig.redundant(dir.resolve("env.img"), 0, 0x2000, 0x2000),
        BootScheme.defaultEnvironment(bootlimit));
  }

  @Test
  void prepareTrial_otherSlot_oneWriteSetsAllThree() throws IOException {
    UBootEnv env = env(3);
    BootScheme scheme = BootScheme.of(env);
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    scheme.prepareTrial(Slot.B);

    byte[] after = Files.readAllBytes(dir.resolve("env.img"));
    assertThat(after[4]).as("first copy untouched by a single write").isEqualTo(before[4]);
    assertThat(after[0x2000 + 4]).isEqualTo((byte) 2);
    assertThat(env.read())
        .containsEntry("boot_partition", "B")
        .containsEntry("upgrade_available", "1")
        .containsEntry("bootcount", "0");
    assertThat(scheme.inTrial()).isTrue();
    assertThat(scheme.bootedSlot()).isEqualTo(Slot.B);
    assertThat(scheme.committedSlot()).isEqualTo(Slot.A);
  }

  @Test
  void commit_afterTrialBoot_clearsTrialAndKeepsSlot() {
    UBootEnv env = env(3);
    BootScheme scheme = BootScheme.of(env);
    scheme.prepareTrial(Slot.B);
    BootloaderSimulator.withDefaults().powerOn(env);

    Slot committed = scheme.commit();

    assertThat(committed).isEqualTo(Slot.B);
    assertThat(scheme.inTrial()).isFalse();
    assertThat(scheme.committedSlot()).isEqualTo(Slot.B);
    assertThat(scheme.bootCount()).isZero();
  }

  @Test
  void markBadAndSwitchBack_inTrial_selectsCommittedSlot() {
    UBootEnv env = env(3);
    BootScheme scheme = BootScheme.of(env);
    scheme.prepareTrial(Slot.B);

    Slot back = scheme.markBadAndSwitchBack();

    assertThat(back).isEqualTo(Slot.A);
    assertThat(env.read())
        .containsEntry("boot_partition", "A")
        .containsEntry("upgrade_available", "0");
  }

  @Test
  void markBadAndSwitchBack_noTrial_illegalTransition() {
    BootScheme scheme = BootScheme.of(env(3));

    assertThatThrownBy(scheme::markBadAndSwitchBack)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ILLEGAL_TRANSITION);
  }

  @Test
  void bootedSlot_missingOrUnknownValue_refusedNotGuessed() {
    UBootEnv env = env(3);
    BootScheme scheme = BootScheme.of(env);

    env.update(Map.of("boot_partition", "a"), Set.of());
    assertThatThrownBy(scheme::bootedSlot).hasMessageContaining("found 'a'");
    env.update(Map.of(), Set.of("boot_partition"));
    assertThatThrownBy(scheme::bootedSlot).hasMessageContaining("no such variable");
  }

  @Test
  void prepareTrial_selectedSlotOutsideTrial_refusedNothingWritten() throws IOException {
    BootScheme scheme = BootScheme.of(env(3));
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> scheme.prepareTrial(Slot.A))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ILLEGAL_TRANSITION);
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(before);
  }

  @Test
  void prepareTrial_repeatedForSlotUnderTrial_allowed() {
    BootScheme scheme = BootScheme.of(env(3));
    scheme.prepareTrial(Slot.B);

    scheme.prepareTrial(Slot.B);

    assertThat(scheme.inTrial()).isTrue();
    assertThat(scheme.committedSlot()).isEqualTo(Slot.A);
  }

  @Test
  void variables_twoRolesShareOneName_refused() {
    assertThatThrownBy(
            () ->
                new BootScheme.Variables(
                    "slot", "A", "B", "slot", "bootlimit", "upgrade_available", "altbootcmd"))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }

  @Test
  void ubootNumber_readsLeadingDecimalDigitsLikeUBootTest() {
    assertThat(BootScheme.ubootNumber(null)).isZero();
    assertThat(BootScheme.ubootNumber("")).isZero();
    assertThat(BootScheme.ubootNumber("yes")).isZero();
    assertThat(BootScheme.ubootNumber("12abc")).isEqualTo(12);
    assertThat(BootScheme.ubootNumber("-3")).isEqualTo(-3);
  }

  @Test
  void defaultEnvironment_negativeLimit_refused() {
    assertThatThrownBy(() -> BootScheme.defaultEnvironment(-1))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }

  @Test
  void simulator_unreadableEnvironment_bootsDefaultAndWritesNothing() throws IOException {
    UBootEnv env = env(3);
    BootScheme.of(env).prepareTrial(Slot.B);
    byte[] img = Files.readAllBytes(dir.resolve("env.img"));
    img[10] ^= 1;
    img[0x2000 + 10] ^= 1;
    Files.write(dir.resolve("env.img"), img);

    BootOutcome o = BootloaderSimulator.withDefaults().powerOn(env);

    assertThat(o.envValid()).isFalse();
    assertThat(o.slot()).isEqualTo(Slot.A);
    assertThat(o.saves()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(img);
  }
}
