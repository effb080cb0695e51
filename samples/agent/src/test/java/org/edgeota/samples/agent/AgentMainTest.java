package org.edgeota.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgeota.api.Component;
import org.edgeota.api.Version;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStoreDocument;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.FwEnvConfig;
import org.edgeota.partition.UBootEnv;
import org.edgeota.rollout.AdminApi;
import org.edgeota.rollout.RolloutSpec;
import org.edgeota.rollout.Stage;
import org.edgeota.samples.controller.ControllerConfig;
import org.edgeota.samples.controller.ControllerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the command-line agent once against the reference controller on loopback. */
class AgentMainTest {
  private static final String ADMIN = "admin-token-of-the-agent-test-0123";
  private static final long IMAGE = 64 * 1024;

  @TempDir Path tmp;

  @Test
  void once_releaseOffered_writesSlotBPreparesTheTrialAndRunsTheRebootCommand() throws Exception {
    Clock clock = Clock.systemUTC();
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path trust = tmp.resolve("trust-store.json");
    Files.write(
        trust,
        TrustStoreDocument.create(
                List.of(key.trustedKey()), 1, 1, Instant.now().plus(Duration.ofDays(1)))
            .sign(key)
            .toJson());
    byte[] image = new byte[(int) IMAGE];
    new Random(3).nextBytes(image);
    Path payload = Files.write(tmp.resolve("rootfs-2.0.0.img"), image);
    Path release = tmp.resolve("artifacts/2.0.0");
    ReleasePackage.writeManifest(
        release,
        ManifestSigner.sign(
            ReleasePackage.builder(clock)
                .version(Version.parse("2.0.0"))
                .sequence(2)
                .expires(Instant.now().plus(Duration.ofDays(1)))
                .minAgentVersion(Version.of(0, 1, 0))
                .deviceType("gateway")
                .component("rootfs", Component.TYPE_FIRMWARE, payload, 1, true)
                .pack(release),
            key));
    Path device = provisionDevice();
    Path marker = tmp.resolve("rebooted");

    try (ControllerServer server =
        ControllerServer.start(
            new ControllerConfig(
                "127.0.0.1",
                0,
                "embedded",
                null,
                null,
                tmp.resolve("data"),
                tmp.resolve("artifacts"),
                trust,
                ADMIN,
                null,
                Duration.ofMillis(100),
                null),
            clock)) {
      AdminApi admin = new AdminApi(server.engine(), ADMIN, new java.security.SecureRandom());
      admin.addRelease(ADMIN, release);
      String token = admin.registerDevice(ADMIN, "gw-1");
      admin.createRollout(
          ADMIN,
          RolloutSpec.of(
              "r1",
              Version.parse("2.0.0"),
              List.of(new Stage("all", 100, 50, 1, Duration.ofHours(1)))));
      admin.start(ADMIN, "r1");
      Files.writeString(device.resolve("device.token"), token);
      Files.writeString(
          device.resolve("agent.properties"),
          "device.id=gw-1\ndevice.type=gateway\n"
              + "server.url="
              + server.baseUri()
              + "\nserver.token.file=device.token\n"
              + "trust.store="
              + trust
              + "\nfw_env.config=fw_env.config\nslot.a=slotA.img\nslot.b=slotB.img\n"
              + "app.dir=app\nconfig.dir=config\nstate.dir=state\n"
              + "factory.version=1.0.0\nfactory.sequence=1\n"
              + "reboot.command=touch "
              + marker
              + "\n");

      int status =
          new CommandLine(new AgentMain())
              .execute("--config", device.resolve("agent.properties").toString(), "--once");

      assertThat(status).isZero();
    }
    assertThat(marker).exists();
    assertThat(Files.mismatch(device.resolve("slotB.img"), payload)).isEqualTo(-1L);
    Map<String, String> env = UBootEnv.fromConfig(device.resolve("fw_env.config")).read();
    assertThat(env).containsEntry("boot_partition", "B").containsEntry("upgrade_available", "1");
  }

  private Path provisionDevice() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("device"));
    for (String sub : List.of("app", "config", "state")) {
      Files.createDirectories(d.resolve(sub));
    }
    Files.write(d.resolve("slotA.img"), new byte[(int) IMAGE]);
    Files.write(d.resolve("slotB.img"), new byte[(int) IMAGE]);
    Path env = d.resolve("uboot.env").toAbsolutePath();
    Files.write(env, new byte[0x8000]);
    Files.writeString(
        d.resolve("fw_env.config"), env + " 0x0000 0x4000\n" + env + " 0x4000 0x4000\n");
    UBootEnv.create(
        FwEnvConfig.parse(d.resolve("fw_env.config")), BootScheme.defaultEnvironment(3));
    return d;
  }
}
