package org.edgeota.samples.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllerConfigTest {
  private static final String TOKEN = "0123456789abcdef0123";

  @TempDir Path tmp;

  @Test
  void constructor_defaults_loopbackAndEmbeddedStore() {
    ControllerConfig c = config(null, null, TOKEN);

    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.embeddedStore()).isTrue();
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void constructor_shortAdminToken_isRejectedWithoutShowingIt() {
    assertThatThrownBy(() -> config(null, null, "short-secret"))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT))
        .hasMessageContaining("admin.token")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void constructor_storeOfAnotherDatabase_isRejected() {
    assertThatThrownBy(() -> config(null, "jdbc:mysql://127.0.0.1/ota", TOKEN))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("store");
  }

  @Test
  void parseDuration_secondsOrIso_bothAccepted() {
    assertThat(ControllerConfig.parseDuration("x", "1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ControllerConfig.parseDuration("x", "PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> ControllerConfig.parseDuration("poll.interval", "soon"))
        .hasMessageContaining("poll.interval");
  }

  @Test
  void main_flagsOverrideTheFile_andPathsResolveAgainstIt() throws Exception {
    Path file = tmp.resolve("controller.properties");
    Files.writeString(file, "port=9000\nbind=127.0.0.2\nartifact.dir=rel\nadmin.token.file=tok\n");
    Files.writeString(tmp.resolve("tok"), TOKEN + "\n");
    ControllerMain main = new ControllerMain();
    new CommandLine(main).parseArgs("--config", file.toString(), "--port", "9100");

    ControllerConfig c = main.config();

    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.bindAddress()).isEqualTo("127.0.0.2");
    assertThat(c.artifactDir()).isEqualTo(tmp.toAbsolutePath().resolve("rel"));
    assertThat(c.adminToken()).isEqualTo(TOKEN);
  }

  /**
   * The README says flags override the properties file, but {@code poll.interval} and {@code
   * tick.interval} had no flags.
   */
  @Test
  void main_intervalFlags_overrideTheFile() throws Exception {
    Path file = tmp.resolve("controller.properties");
    Files.writeString(file, "poll.interval=300\ntick.interval=5\nadmin.token=" + TOKEN + "\n");
    ControllerMain main = new ControllerMain();
    new CommandLine(main)
        .parseArgs(
            "--config", file.toString(), "--poll-interval", "PT45S", "--tick-interval", "0.5");

    ControllerConfig c = main.config();

    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.tickInterval()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void main_storeConnections_fromTheFileAndTheFlagWins() throws Exception {
    Path file = tmp.resolve("controller.properties");
    Files.writeString(file, "store.connections=12\nadmin.token=" + TOKEN + "\n");
    ControllerMain fromFile = new ControllerMain();
    new CommandLine(fromFile).parseArgs("--config", file.toString());
    ControllerMain fromFlag = new ControllerMain();
    new CommandLine(fromFlag).parseArgs("--config", file.toString(), "--store-connections", "20");

    assertThat(fromFile.config().storeConnections()).isEqualTo(12);
    assertThat(fromFlag.config().storeConnections()).isEqualTo(20);
    assertThat(config(null, null, TOKEN).storeConnections())
        .isEqualTo(ControllerConfig.DEFAULT_STORE_CONNECTIONS);
  }

  @Test
  void main_storeConnectionsOutOfRangeOrNotANumber_isRejectedNamingIt() throws Exception {
    Path file = tmp.resolve("controller.properties");
    for (String value : new String[] {"0", "257", "many", "+5", "\u0663"}) {
      Files.writeString(file, "store.connections=" + value + "\nadmin.token=" + TOKEN + "\n");
      ControllerMain main = new ControllerMain();
      new CommandLine(main).parseArgs("--config", file.toString());

      assertThatThrownBy(main::config)
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
                assertThat(e.offendingValue()).isEqualTo(value);
              })
          .hasMessageContaining("store.connections");
    }
  }

  /** {@code --help} said "(see ControllerConfig)", a class name a user cannot look up. */
  @Test
  void help_listsThePropertiesKeys() {
    String help = new CommandLine(new ControllerMain()).getUsageMessage();

    assertThat(help).doesNotContain("ControllerConfig");
    assertThat(help)
        .contains("store.password")
        .contains("artifact.dir")
        .contains("trust.store")
        .contains("admin.token.file")
        .contains("poll.interval")
        .contains("store.connections")
        .contains("tick.interval")
        .contains("--poll-interval")
        .contains("--tick-interval");
  }

  private ControllerConfig config(String bind, String store, String token) {
    return new ControllerConfig(
        bind,
        0,
        store,
        null,
        null,
        tmp.resolve("data"),
        tmp.resolve("artifacts"),
        tmp.resolve("trust.json"),
        token,
        null,
        null,
        null);
  }
}
