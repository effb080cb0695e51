package org.edgeota.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.health.HealthChecks;
import org.edgeota.partition.FwEnvConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  private static final Path EXAMPLES = Path.of("examples");

  @TempDir Path tmp;

  @Test
  void load_shippedExample_readsEverySetting() throws Exception {
    Path dir = copyExampleWithToken();

    AgentConfig c = AgentConfig.load(dir.resolve("agent.properties"));

    assertThat(c.deviceId()).isEqualTo("gw-0001");
    assertThat(c.deviceType()).isEqualTo("sensor-gateway");
    assertThat(c.tags()).containsEntry("site", "lab").containsEntry("ring", "early");
    assertThat(c.serverUrl().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(c.token()).isEqualTo("secret-device-token");
    assertThat(c.slotB()).isEqualTo(Path.of("/dev/mmcblk0p3"));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.pollJitter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.factoryVersion()).isEqualTo("1.0.0");
    assertThat(c.bootlimit()).isEqualTo(3);
    assertThat(HealthChecks.fromConfig(c.health())).hasSize(3);
  }

  @Test
  void toString_neverShowsTheToken() throws Exception {
    AgentConfig c = AgentConfig.load(copyExampleWithToken().resolve("agent.properties"));

    String text = c.toString();

    assertThat(text).doesNotContain("secret-device-token").contains("gw-0001");
  }

  @Test
  void fromMap_missingDeviceId_namesTheSetting() {
    Map<String, String> m = minimal();
    m.remove("device.id");

    assertThatThrownBy(() -> AgentConfig.fromMap(m, tmp))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT))
        .hasMessageContaining("device.id");
  }

  @Test
  void fromMap_serverUrlWithoutHttp_isRejected() {
    Map<String, String> m = minimal();
    m.put("server.url", "ftp://127.0.0.1/");

    assertThatThrownBy(() -> AgentConfig.fromMap(m, tmp))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("server.url");
  }

  @Test
  void fromMap_negativeJitter_isRejected() {
    Map<String, String> m = minimal();
    m.put("poll.jitter", "-1");

    assertThatThrownBy(() -> AgentConfig.fromMap(m, tmp))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("poll.jitter");
  }

  @Test
  void fromMap_relativePaths_resolveAgainstTheFilesDirectory() {
    AgentConfig c = AgentConfig.fromMap(minimal(), tmp);

    assertThat(c.stateDir()).isEqualTo(tmp.resolve("state"));
    assertThat(c.fwEnvConfig()).isEqualTo(tmp.resolve("fw_env.config"));
  }

  @Test
  void nextWait_staysWithinIntervalPlusJitter() {
    for (int i = 0; i < 200; i++) {
      Duration w = AgentMain.nextWait(Duration.ofSeconds(10), Duration.ofSeconds(2));

      assertThat(w).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(12));
    }
  }

  @Test
  void shippedFwEnvConfig_parsesAsARedundantEnvironment() throws Exception {
    FwEnvConfig c = FwEnvConfig.parse(Files.readString(EXAMPLES.resolve("fw_env.config")), tmp);

    assertThat(c.redundant()).isTrue();
    assertThat(c.envSize()).isEqualTo(0x4000);
  }

  private Path copyExampleWithToken() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("etc"));
    Files.copy(EXAMPLES.resolve("agent.properties"), dir.resolve("agent.properties"));
    Files.writeString(dir.resolve("device.token"), "secret-device-token\n");
    return dir;
  }

  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("device.id", "d1");
    m.put("device.type", "t");
    m.put("server.url", "http://127.0.0.1:8080");
    m.put("server.token", "tok");
    m.put("trust.store", "trust.json");
    m.put("fw_env.config", "fw_env.config");
    m.put("slot.a", "a.img");
    m.put("slot.b", "b.img");
    m.put("app.dir", "app");
    m.put("config.dir", "config");
    m.put("state.dir", "state");
    m.put("factory.version", "1.0.0");
    return m;
  }
}
