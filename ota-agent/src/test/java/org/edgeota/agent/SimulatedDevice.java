package org.edgeota.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.Release;
import org.edgeota.api.Slot;
import org.edgeota.api.Version;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.api.spi.HealthCheck;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.health.HealthRunner;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStore;
import org.edgeota.manifest.TrustStoreDocument;
import org.edgeota.partition.BootOutcome;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.BootloaderSimulator;
import org.edgeota.partition.FwEnvConfig;
import org.edgeota.partition.ImageFileSlots;
import org.edgeota.partition.UBootEnv;

/**
 * A simulated A/B device on real files: two slot image files, a redundant U-Boot environment file,
 * the agent's state directory, an application directory and a configuration directory. Provisioned
 * with release 1.0.0 committed in slot A.
 */
final class SimulatedDevice {
  static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
  static final Version V1 = Version.parse("1.0.0");
  static final Version V2 = Version.parse("2.0.0");
  static final String DEVICE_TYPE = "gateway";
  static final long SLOT_CAPACITY = 16 * 1024;
  static final long ENV_SIZE = 0x2000;
  static final SigningKey KEY = key();
  static final TrustStore TRUST = trust();

  /** The releases a device can hold, with their artifacts. */
  static final class Releases {
    final byte[] image1 = random(4 * 1024, 1);
    final byte[] image2 = random(6 * 1024 + 123, 2);
    final byte[] app1 = new TarBuilder().file("version", "1").file("bin/run", "one").build();
    final byte[] app2 = new TarBuilder().file("version", "2").file("bin/run", "two").build();
    final byte[] config2 = "{\"release\":\"2\",\"removed\":null}".getBytes(StandardCharsets.UTF_8);
    final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    final String manifest;

    Releases() {
      this(List.of());
    }

    /** Release 2.0.0 with firmware, application and config, plus extra components. */
    Releases(List<Component> extra) {
      this(extra, List.of(), Map.of());
    }

    /** Release 2.0.0 whose firmware also offers deltas, served as extra artifacts. */
    Releases(List<Component> extra, List<DeltaArtifact> fwDeltas, Map<String, byte[]> more) {
      artifacts.put("fw-2.bin", image2);
      artifacts.putAll(more);
      artifacts.put("app-2.tar.gz", app2);
      artifacts.put("cfg-2.json", config2);
      List<Component> components = new java.util.ArrayList<>();
      Component fw = component("fw", Component.TYPE_FIRMWARE, "fw-2.bin", image2, 1, true);
      components.add(
          new Component(
              fw.name(), fw.type(), fw.file(), fw.size(), fw.sha256(), 1, true, fwDeltas));
      components.add(component("web", Component.TYPE_APPLICATION, "app-2.tar.gz", app2, 2, false));
      components.add(component("settings", Component.TYPE_CONFIG, "cfg-2.json", config2, 3, false));
      components.addAll(extra);
      manifest = sign(release(V2, 2, components));
    }

    Component app1Component() {
      return component("web", Component.TYPE_APPLICATION, "app-1.tar.gz", app1, 2, false);
    }
  }

  static Component component(
      String name, String type, String file, byte[] data, int order, boolean reboot) {
    return new Component(
        name, type, file, data.length, StubController.sha256(data), order, reboot, List.of());
  }

  static Release release(Version v, long sequence, List<Component> components) {
    return new Release(
        v,
        sequence,
        false,
        Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2027-06-01T00:00:00Z"),
        Version.parse("1.0.0"),
        List.of(DEVICE_TYPE),
        null,
        components);
  }

  static String sign(Release release) {
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), KEY);
    return new String(signed.toJson(), StandardCharsets.UTF_8);
  }

  final Path dir;
  final Releases releases;
  final FwEnvConfig envConfig;
  final Map<Slot, Path> slotFiles;
  final Path stateDir;
  final Path appRoot;
  final Path configDir;
  final BootloaderSimulator bootloader = BootloaderSimulator.withDefaults();
  final MutableClock clock = new MutableClock(NOW);

  SimulatedDevice(Path dir, Releases releases) {
    this.dir = dir;
    this.releases = releases;
    this.envConfig = FwEnvConfig.redundant(dir.resolve("uboot.env"), 0, ENV_SIZE, ENV_SIZE);
    this.slotFiles = Map.of(Slot.A, dir.resolve("slot-a.img"), Slot.B, dir.resolve("slot-b.img"));
    this.stateDir = dir.resolve("state");
    this.appRoot = dir.resolve("apps");
    this.configDir = dir.resolve("etc");
    try {
      Files.createDirectories(dir);
      Files.write(slotFiles.get(Slot.A), Arrays.copyOf(releases.image1, (int) SLOT_CAPACITY));
      Files.write(slotFiles.get(Slot.B), new byte[(int) SLOT_CAPACITY]);
      UBootEnv.create(envConfig, BootScheme.defaultEnvironment(3));
      Path app1 = Files.write(dir.resolve("app-1.tar.gz"), releases.app1);
      applications()
          .install(
              releases.app1Component(),
              app1,
              new ComponentInstaller.Context(Slot.A, dir.resolve("factory")));
      Files.createDirectories(configDir);
      Files.writeString(
          configDir.resolve("settings.json"),
          "{\"release\":\"1\",\"removed\":1,\"user\":\"mine\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  BootOutcome powerOn() {
    return bootloader.powerOn(UBootEnv.of(envConfig));
  }

  BootScheme scheme() {
    return BootScheme.of(UBootEnv.of(envConfig));
  }

  ApplicationInstaller applications() {
    return ApplicationInstaller.builder(appRoot).build();
  }

  ConfigInstaller configs() {
    return ConfigInstaller.inDirectory(configDir);
  }

  /** A fresh agent reading only what is on disk, with every SPI behind the power supply. */
  UpdateAgent.Builder agent(TransportClient transport, Power power, List<HealthCheck> checks) {
    BootScheme scheme = BootScheme.of(power.wrap(UBootEnv.of(envConfig)));
    return UpdateAgent.builder()
        .transport(transport)
        .bootScheme(scheme)
        .partitions(power.wrap(ImageFileSlots.preallocated(slotFiles, scheme)))
        .installer(power.wrap(applications()))
        .installer(power.wrap(configs()))
        .healthRunner(
            HealthRunner.builder()
                .checks(checks)
                .retries(0)
                .retryDelay(Duration.ZERO)
                .clock(clock)
                .build())
        .trustStore(TRUST)
        .clock(clock)
        .stateDirectory(stateDir)
        .device("device-1", DEVICE_TYPE, Map.of("region", "lab"))
        .factoryRelease(V1, 1)
        .factoryFirmwareSize(releases.image1.length)
        .agentVersion(Version.parse("1.5.0"))
        .rebootHandler(() -> power.tick("reboot requested"))
        .reportBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
        .reportJitter(new SplittableRandom(5))
        .journalProbe(power::tick);
  }

  byte[] slotImage(Slot slot, int length) {
    try {
      return Arrays.copyOf(Files.readAllBytes(slotFiles.get(slot)), length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String appVersion() {
    try {
      return Files.readString(applications().currentLink("web").resolve("version"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode config() {
    try {
      return new ObjectMapper().readTree(configDir.resolve("settings.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HealthCheck check(String name, boolean healthy) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean critical() {
        return true;
      }

      @Override
      public Duration timeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Result check() {
        return healthy ? Result.pass("ok") : Result.fail("service down");
      }
    };
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static SigningKey key() {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(42);
      return SigningKey.generate(SignatureAlgorithm.ED25519, r);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrustStore trust() {
    TrustStoreDocument doc =
        TrustStoreDocument.create(
                List.of(KEY.trustedKey()), 1, 1, Instant.parse("2030-01-01T00:00:00Z"))
            .sign(KEY);
    return TrustStore.parse(doc.toJson());
  }
}
