package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.Test;

class SystemdUnitCheckTest {

  private final List<List<String>> commands = new ArrayList<>();

  private CommandRunner answering(int status, String output) {
    return (argv, timeout) -> {
      commands.add(argv);
      return new CommandRunner.Outcome(status, false, output);
    };
  }

  @Test
  void systemdUnitActive_systemctlExitsZero_passesAndAsksForTheUnit() throws Exception {
    ProbeCheck check = HealthChecks.systemdUnitActive("app.service", answering(0, "active\n"));

    Result result = check.check();

    assertThat(result.healthy()).isTrue();
    assertThat(commands).containsExactly(List.of("systemctl", "is-active", "app.service"));
    assertThat(check.name()).isEqualTo("systemd:app.service");
  }

  @Test
  void systemdUnitActive_unitInactive_failsWithSystemctlAnswer() throws Exception {
    ProbeCheck check = HealthChecks.systemdUnitActive("app.service", answering(3, "inactive\n"));

    Result result = check.check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("exit status 3").contains("inactive");
  }

  @Test
  void systemdUnitActive_unknownUnitOnThisMachine_failsForReal() throws Exception {
    Tools.require("systemctl");
    ProbeCheck check = HealthChecks.systemdUnitActive("ota-health-test-absent.service");

    Result result = check.check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("exit status");
  }

  @Test
  void systemdUnitActive_runningSystemdAndItsOwnTarget_passesForReal() throws Exception {
    Tools.require("systemctl");
    assumeTrue(
        Files.isDirectory(Path.of("/run/systemd/system")),
        "systemd is not the init system here; nothing to ask for an active unit");
    ProbeCheck check = HealthChecks.systemdUnitActive("basic.target");

    Result result = check.check();

    assertThat(result.healthy()).as(result.detail()).isTrue();
  }

  @Test
  void systemdUnitActive_unitNamesThatWouldBeOptionsOrPaths_areRejected() {
    for (String bad : List.of("", "--host=evil", "a b", "../x.service", "x\n.service")) {
      assertThatThrownBy(() -> HealthChecks.systemdUnitActive(bad, answering(0, "")))
          .as(bad)
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
    }
    assertThat(commands).isEmpty();
  }
}
