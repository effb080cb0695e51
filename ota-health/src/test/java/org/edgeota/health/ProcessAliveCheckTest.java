package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessAliveCheckTest {

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopStartedProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private Process startSleep() throws IOException {
    Path sleep = Tools.require("sleep");
    Process p = new ProcessBuilder(sleep.toString(), "30").start();
    started.add(p);
    return p;
  }

  private Path pidFile(long pid) throws IOException {
    Path file = dir.resolve("service.pid");
    Files.writeString(file, pid + "\n");
    return file;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void processAlive_pidFileOfRunningProcess_passes() throws Exception {
    Process sleep = startSleep();
    ProbeCheck check = HealthChecks.processAlive(pidFile(sleep.pid()));

    Result result = check.check();

    assertThat(result.healthy()).as(result.detail()).isTrue();
    assertThat(result.detail()).contains(String.valueOf(sleep.pid())).contains("alive");
    assertThat(check.name()).isEqualTo("process:service.pid");
    assertThat(check.critical()).isTrue();
  }

  @Test
  void processAlive_pidFileOfExitedProcess_fails() throws Exception {
    Process sleep = startSleep();
    ProbeCheck check = HealthChecks.processAlive(pidFile(sleep.pid()));
    stop(sleep);

    Result result = check.check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("no process with PID " + sleep.pid());
  }

  @Test
  void processAlive_pidFileNamingTheAgentItself_failsEvenThoughItIsAlive() throws Exception {
    ProbeCheck check = HealthChecks.processAlive(pidFile(ProcessHandle.current().pid()));

    Result result = check.check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("agent's own process");
  }

  @Test
  void processAlive_processStartedAfterPidFileWasWritten_failsAsReusedPid() throws Exception {
    Process sleep = startSleep();
    Path file = pidFile(sleep.pid());
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    Result result = HealthChecks.processAlive(file).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("belongs to another program");
  }

  @Test
  void processAlive_reuseDetectionOff_acceptsProcessYoungerThanItsPidFile() throws Exception {
    Process sleep = startSleep();
    Path file = pidFile(sleep.pid());
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Map<String, String> config =
        Map.of(
            "check.svc.type", "process",
            "check.svc.pid-file", file.toString(),
            "check.svc.detect-reuse", "false");

    Result direct = HealthChecks.processAlive(file, false).check();
    Result configured = HealthChecks.fromConfig(config).get(0).check();

    assertThat(direct.healthy()).as(direct.detail()).isTrue();
    assertThat(configured.healthy()).as(configured.detail()).isTrue();
  }

  @Test
  void processAlive_zombieProcess_failsAsNotRunning() throws Exception {
    Path sh = Tools.require("sh");
    Path childPidFile = dir.resolve("child.pid");
    String script = "sleep 0.1 & echo $! > '" + childPidFile + "'; exec sleep 30";
    started.add(new ProcessBuilder(sh.toString(), "-c", script).start());
    long childPid = awaitPid(childPidFile);
    awaitZombie(childPid);

    Result result = HealthChecks.processAlive(childPidFile).check();

    assertThat(ProcessHandle.of(childPid)).as("zombie still has its PID").isPresent();
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("is running");
  }

  private static long awaitPid(Path file) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no PID written to " + file);
  }

  private static void awaitZombie(long pid) throws Exception {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    assumeTrue(Files.exists(stat), "no /proc process states on this system");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      String text = Files.readString(stat);
      if (text.charAt(text.lastIndexOf(')') + 2) == 'Z') {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("process " + pid + " did not become a zombie");
  }

  @Test
  void processAlive_pidFileWithGarbage_failsNamingTheContent() throws Exception {
    Path file = dir.resolve("bad.pid");
    Files.writeString(file, "12ab\n");

    Result result = HealthChecks.processAlive(file).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("expected a positive decimal PID, found '12ab'");
  }

  @Test
  void processAlive_pidFileWithZero_fails() throws Exception {
    Result result = HealthChecks.processAlive(pidFile(0)).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("found '0'");
  }

  @Test
  void processAlive_oversizedPidFile_failsWithoutReadingIt() throws Exception {
    Path file = dir.resolve("huge.pid");
    Files.write(file, new byte[4096]);

    Result result = HealthChecks.processAlive(file).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("4096 bytes");
  }

  @Test
  void processAlive_missingPidFile_fails() throws Exception {
    Result result = HealthChecks.processAlive(dir.resolve("absent.pid")).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("does not exist");
  }

  @Test
  void processAlive_handleOfRunningThenStoppedProcess_passesThenFails() throws Exception {
    Process sleep = startSleep();
    ProbeCheck check = HealthChecks.processAlive(sleep.toHandle());

    Result whileRunning = check.check();
    stop(sleep);
    Result afterStop = check.check();

    assertThat(whileRunning.healthy()).isTrue();
    assertThat(afterStop.healthy()).isFalse();
    assertThat(afterStop.detail()).contains("not running");
  }

  @Test
  void processAlive_ownHandle_isRefused() {
    ProcessHandle self = ProcessHandle.current();

    assertThatThrownBy(() -> HealthChecks.processAlive(self))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.offendingValue()).isEqualTo(String.valueOf(self.pid()));
            });
  }
}
