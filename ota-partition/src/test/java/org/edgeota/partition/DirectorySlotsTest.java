package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySlotsTest {
  @TempDir Path root;

  private static void install(DirectorySlots slots, String version) throws IOException {
    Path d = slots.prepare(version);
    Files.writeString(d.resolve("app.txt"), version);
  }

  @Test
  void switchTo_firstVersion_currentPointsAtItAndNoPrevious() throws IOException {
    DirectorySlots slots = DirectorySlots.at(root);
    install(slots, "1.0.0");

    slots.switchTo("1.0.0");

    assertThat(slots.current()).contains("1.0.0");
    assertThat(slots.previous()).isEmpty();
    assertThat(Files.readString(slots.currentLink().resolve("app.txt"))).isEqualTo("1.0.0");
    assertThat(Files.readSymbolicLink(slots.currentLink())).isEqualTo(Path.of("1.0.0"));
  }

  @Test
  void switchTo_secondVersion_previousKeepsTheOldOne() throws IOException {
    DirectorySlots slots = DirectorySlots.at(root);
    install(slots, "1.0.0");
    slots.switchTo("1.0.0");
    install(slots, "1.1.0");

    slots.switchTo("1.1.0");

    assertThat(slots.current()).contains("1.1.0");
    assertThat(slots.previous()).contains("1.0.0");
    assertThat(Files.readString(slots.currentLink().resolve("app.txt"))).isEqualTo("1.1.0");
    try (var s = Files.list(root)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("no temporary links left behind")
          .containsExactlyInAnyOrder("1.0.0", "1.1.0", "current", "previous");
    }
  }

  @Test
  void switchBack_afterUpdate_restoresOldVersion() throws IOException {
    DirectorySlots slots = DirectorySlots.at(root);
    install(slots, "1.0.0");
    slots.switchTo("1.0.0");
    install(slots, "2.0.0");
    slots.switchTo("2.0.0");

    String now = slots.switchBack();

    assertThat(now).isEqualTo("1.0.0");
    assertThat(slots.current()).contains("1.0.0");
    assertThat(slots.previous()).contains("2.0.0");
  }

  @Test
  void prepare_currentVersion_refused() throws IOException {
    DirectorySlots slots = DirectorySlots.at(root);
    install(slots, "1.0.0");
    slots.switchTo("1.0.0");

    assertThatThrownBy(() -> slots.prepare("1.0.0"))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_ACTIVE);
    assertThat(Files.readString(root.resolve("1.0.0/app.txt"))).isEqualTo("1.0.0");
  }

  @Test
  void prepare_leftoverFromInterruptedInstall_startsEmpty() throws IOException {
    DirectorySlots slots = DirectorySlots.at(root);
    Files.createDirectories(root.resolve("3.0.0/sub"));
    Files.writeString(root.resolve("3.0.0/sub/half.bin"), "partial");

    Path d = slots.prepare("3.0.0");

    try (var s = Files.list(d)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void switchTo_hostileOrMissingVersion_refused() {
    DirectorySlots slots = DirectorySlots.at(root);

    for (String v : new String[] {"../etc", "..", ".hidden", "a/b", "current", "", "9.9.9"}) {
      assertThatThrownBy(() -> slots.switchTo(v))
          .as(v)
          .extracting(e -> ((OtaException) e).reason())
          .isEqualTo(ReasonCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void switchBack_withoutPrevious_refused() {
    DirectorySlots slots = DirectorySlots.at(root);

    assertThatThrownBy(slots::switchBack)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }
}
