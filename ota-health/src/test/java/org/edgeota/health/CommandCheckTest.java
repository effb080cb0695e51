package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandCheckTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private String sh;

  @BeforeEach
  void findShell() {
    sh = Tools.require("sh").toString();
  }

  @Test
  void command_exitStatusZero_passes() throws Exception {
    ProbeCheck check = HealthChecks.command(List.of(sh, "-c", "exit 0"), TIMEOUT);

    Result result = check.check();

    assertThat(result.healthy()).as(result.detail()).isTrue();
    assertThat(check.name()).isEqualTo("command:sh");
  }

  @Test
  void command_exitStatusThree_failsNamingStatusAndOutput() throws Exception {
    ProbeCheck check =
        HealthChecks.command(List.of(sh, "-c", "echo app not ready >&2; exit 3"), TIMEOUT);

    Result result = check.check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("exit status 3").contains("app not ready");
  }

  @Test
  void command_missingProgram_failsThroughRunner() {
    ProbeCheck check =
        HealthChecks.command(List.of(dir.resolve("no-such-program").toString()), TIMEOUT);
    HealthRunner runner = HealthRunner.builder().check(check).retries(0).build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isFalse();
    assertThat(verdict.results().get(0).detail()).contains("IOException");
  }

  @Test
  void command_runsPastItsTimeout_isKilledWithItsChildren() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    String script = "sleep 30 & echo $! > '" + pidFile + "'; wait";
    ProbeCheck check = HealthChecks.command(List.of(sh, "-c", script), Duration.ofMillis(500));
    long start = System.nanoTime();

    assertThatThrownBy(check::check)
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.HEALTH_TIMEOUT));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    long childPid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(stopsRunningWithin(childPid, Duration.ofSeconds(5))).isTrue();
  }

  /**
   * Tells whether a process stops running within a span; a zombie (killed but not yet reaped, as
   * under a container's init that does not reap) counts as stopped.
   */
  private static boolean stopsRunningWithin(long pid, Duration span) throws Exception {
    long end = System.nanoTime() + span.toNanos();
    while (System.nanoTime() < end) {
      Path stat = Path.of("/proc", String.valueOf(pid), "stat");
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return true;
      }
      if (Files.exists(stat)) {
        String text;
        try {
          text = Files.readString(stat);
        } catch (IOException e) {
          return true;
        }
        char state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
        if (state == 'Z' || state == 'X') {
          return true;
        }
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void command_hungCommandThroughRunner_failsWithHealthTimeout() {
    ProbeCheck check =
        HealthChecks.command(List.of(sh, "-c", "exec sleep 30"), Duration.ofMillis(300));
    HealthRunner runner = HealthRunner.builder().check(check).retries(0).build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.results().get(0).failure()).isEqualTo(ReasonCode.HEALTH_TIMEOUT);
  }

  @Test
  void command_largeOutput_doesNotBlockAndDetailStaysShort() throws Exception {
    String script =
        "i=0; while [ $i -lt 3000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxx; "
            + "i=$((i+1)); done; exit 0";
    ProbeCheck check = HealthChecks.command(List.of(sh, "-c", script), TIMEOUT);

    Result result = check.check();

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail().length()).isLessThanOrEqualTo(512);
  }

  @Test
  void command_emptyArgv_isRejected() {
    assertThatThrownBy(() -> HealthChecks.command(List.of(), TIMEOUT))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'argv'");
  }
}
