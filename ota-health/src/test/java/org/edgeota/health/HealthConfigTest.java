package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthConfigTest {

  @TempDir Path dir;

  private final List<List<String>> commands = new ArrayList<>();
  private final CommandRunner recording =
      (argv, timeout) -> {
        commands.add(argv);
        return new CommandRunner.Outcome(0, false, "");
      };

  private Map<String, String> allTypes() {
    Map<String, String> config = new HashMap<>();
    config.put("check.web.type", "http");
    config.put("check.web.url", "http://127.0.0.1:8080/health");
    config.put("check.web.expect-status", "204");
    config.put("check.web.timeout", "3s");
    config.put("check.app.type", "process");
    config.put("check.app.pid-file", dir.resolve("app.pid").toString());
    config.put("check.disk.type", "free-space");
    config.put("check.disk.path", dir.toString());
    config.put("check.disk.min-bytes", "64M");
    config.put("check.disk.critical", "false");
    config.put("check.unit.type", "systemd");
    config.put("check.unit.unit", "app.service");
    config.put("check.selftest.type", "command");
    config.put("check.selftest.argv.0", "app-selftest");
    config.put("check.selftest.argv.1", "--quick");
    config.put("check.selftest.timeout", "PT1M");
    config.put("agent.state-dir", "elsewhere");
    return config;
  }

  @Test
  void fromConfig_everyType_buildsChecksSortedByNameWithTheirSettings() throws Exception {
    List<ProbeCheck> checks = HealthChecks.fromConfig(allTypes(), recording);

    assertThat(checks)
        .extracting(ProbeCheck::name)
        .containsExactly("app", "disk", "selftest", "unit", "web");
    assertThat(checks)
        .extracting(ProbeCheck::critical)
        .containsExactly(true, false, true, true, true);
    assertThat(checks)
        .extracting(ProbeCheck::timeout)
        .containsExactly(
            HealthChecks.DEFAULT_LOCAL_TIMEOUT,
            HealthChecks.DEFAULT_LOCAL_TIMEOUT,
            Duration.ofMinutes(1),
            HealthChecks.DEFAULT_REMOTE_TIMEOUT,
            Duration.ofSeconds(3));
    checks.get(2).check();
    checks.get(3).check();
    assertThat(commands)
        .containsExactly(
            List.of("app-selftest", "--quick"), List.of("systemctl", "is-active", "app.service"));
  }

  @Test
  void fromConfig_freeSpaceMinimumWithSuffix_isReadAsPowersOf1024() throws Exception {
    Map<String, String> config =
        Map.of(
            "check.disk.type", "free-space",
            "check.disk.path", dir.toString(),
            "check.disk.min-bytes", "1T");

    Result result = HealthChecks.fromConfig(config).get(0).check();

    assertThat(result.detail()).contains((1L << 40) + " required");
  }

  @Test
  void fromConfig_realCommandExitingThree_fails() throws Exception {
    String sh = Tools.require("sh").toString();
    Map<String, String> config =
        Map.of(
            "check.script.type", "command",
            "check.script.argv.0", sh,
            "check.script.argv.1", "-c",
            "check.script.argv.2", "exit 3");

    Result result = HealthChecks.fromConfig(config).get(0).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("exit status 3");
  }

  @Test
  void fromConfig_relativePathsWithBaseDirectory_areResolvedAgainstIt() throws Exception {
    Process sleep = new ProcessBuilder(Tools.require("sleep").toString(), "30").start();
    try {
      Files.writeString(dir.resolve("svc.pid"), Long.toString(sleep.pid()));
      Map<String, String> config =
          Map.of(
              "check.svc.type", "process",
              "check.svc.pid-file", "svc.pid",
              "check.disk.type", "free-space",
              "check.disk.path", ".",
              "check.disk.min-bytes", "1");

      List<ProbeCheck> checks = HealthChecks.fromConfig(config, dir);

      assertThat(checks.get(0).check().detail()).contains(dir.toString());
      Result svc = checks.get(1).check();
      assertThat(svc.healthy()).as(svc.detail()).isTrue();
    } finally {
      sleep.destroyForcibly();
      sleep.waitFor();
    }
  }

  @Test
  void fromConfig_noCheckKeys_returnsNoChecks() {
    assertThat(HealthChecks.fromConfig(Map.of("runner.retries", "3"))).isEmpty();
  }

  @Test
  void fromConfig_malformedEntries_areRejectedNamingKeyAndValue() {
    assertRejected(Map.of("check.web.url", "http://127.0.0.1/"), "check.web.type", "");
    assertRejected(Map.of("check.web.type", "ping"), "check.web.type", "ping");
    assertRejected(
        Map.of("check.web.type", "http", "check.web.uri", "http://127.0.0.1/"),
        "check.web.uri",
        "http://127.0.0.1/");
    assertRejected(
        Map.of(
            "check.web.type",
            "http",
            "check.web.url",
            "http://127.0.0.1/",
            "check.web.timeout",
            "5 seconds"),
        "check.web.timeout",
        "5 seconds");
    assertRejected(
        Map.of(
            "check.web.type",
            "http",
            "check.web.url",
            "http://127.0.0.1/",
            "check.web.expect-status",
            "2xx"),
        "check.web.expect-status",
        "2xx");
    assertRejected(
        Map.of("check.d.type", "free-space", "check.d.path", "/", "check.d.min-bytes", "12X"),
        "check.d.min-bytes",
        "12X");
    assertRejected(
        Map.of(
            "check.d.type", "free-space", "check.d.path", "/", "check.d.min-bytes", "99999999999T"),
        "check.d.min-bytes",
        "99999999999T");
    assertRejected(
        Map.of("check.c.type", "command", "check.c.argv.0", "true", "check.c.argv.2", "x"),
        "check.c.argv.0",
        "true");
    assertRejected(
        Map.of("check.u.type", "systemd", "check.u.unit", "a.service", "check.u.critical", "yes"),
        "check.u.critical",
        "yes");
    assertRejected(Map.of("check.bad name.type", "http"), "check.bad name.type", "");
  }

  private static void assertRejected(Map<String, String> config, String key, String value) {
    assertThatThrownBy(() -> HealthChecks.fromConfig(config))
        .as(key)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.offendingValue()).isEqualTo(value);
            })
        .hasMessageContaining("'" + key + "'");
  }

  @Test
  void runnerConfig_retriesAndDelay_areApplied() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    List<Duration> sleeps = new ArrayList<>();
    Map<String, String> config =
        Map.of(
            "runner.retries", "1",
            "runner.retry-delay", "250ms",
            "runner.overall-deadline", "PT1M",
            "check.x.type", "ignored-here");
    HealthRunner runner =
        HealthRunner.builder()
            .config(config)
            .clock(clock)
            .sleeper(sleeps::add)
            .check(ProbeCheck.of("never", Duration.ofSeconds(1), t -> Result.fail("no")))
            .build();

    CheckResult result = runner.run().results().get(0);

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void runnerConfig_unknownOrMalformedRunnerKey_isRejected() {
    HealthRunner.Builder builder = HealthRunner.builder();

    assertThatThrownBy(() -> builder.config(Map.of("runner.retry", "1")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("'runner.retry'");
    assertThatThrownBy(() -> builder.config(Map.of("runner.retries", "-1")))
        .hasMessageContaining("'runner.retries'");
    assertThatThrownBy(() -> builder.config(Map.of("runner.overall-deadline", "0s")))
        .hasMessageContaining("'runner.overall-deadline'");
  }
}
