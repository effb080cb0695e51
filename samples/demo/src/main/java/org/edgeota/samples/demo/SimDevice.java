package org.edgeota.samples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgeota.agent.ApplicationInstaller;
import org.edgeota.agent.ConfigInstaller;
import org.edgeota.agent.CycleResult;
import org.edgeota.agent.PostBootResult;
import org.edgeota.agent.UpdateAgent;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.download.RetryPolicy;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.partition.BootOutcome;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.BootloaderSimulator;
import org.edgeota.partition.FwEnvConfig;
import org.edgeota.partition.UBootEnv;
import org.edgeota.samples.agent.AgentConfig;
import org.edgeota.samples.agent.ReferenceAgent;

/**
 * One simulated device: a directory with two slot images, a U-Boot environment and its {@code
 * fw_env.config}, the application and configuration directories, the agent's state directory and
 * the agent's configuration file.
 *
 * <p>A power-on runs the {@link BootloaderSimulator} over the real environment file, then the
 * device's "init": when the real {@code debugfs} is present it reads the edge application from the
 * booted slot's ext4 image and runs its self-test, as the application's systemd unit would with
 * {@code FailureAction=reboot}; a failing self-test resets the device before the agent starts, so
 * the bootloader's boot counting is what brings it back. Then a fresh agent is built from the files
 * on disk and its post-boot step runs. A reboot the agent asks for discards that agent.
 */
final class SimDevice {
  /** Boot attempts of a trial slot before the bootloader falls back. */
  static final int BOOTLIMIT = 3;

  private static final long ENV_SIZE = 0x4000;
  private static final int MAX_BOOTS_PER_POWER_CYCLE = 2 * BOOTLIMIT + 4;

  final String id;
  final Path dir;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Optional<Path> debugfs;
  private final BootloaderSimulator bootloader = BootloaderSimulator.withDefaults();
  private AgentConfig config;
  private UpdateAgent agent;
  private Slot booted;
  private int boots;
  private int watchdogResets;
  private int fallbacks;
  private String lastEvent = "provisioned";
  private String fault;

  SimDevice(String id, Path dir, Clock clock, RetryPolicy retry, Optional<Path> debugfs) {
    this.id = id;
    this.dir = dir;
    this.clock = clock;
    this.retry = retry;
    this.debugfs = debugfs;
  }

  /**
   * Flashes the device at the "factory": release 1.0.0 in slot A, an empty slot B, a fresh
   * redundant U-Boot environment, the 1.0.0 application and configuration, and the agent's
   * configuration file naming the controller and the device's token.
   */
  void provision(
      Path rootfs,
      Path app,
      Path configJson,
      SignedManifest factoryManifest,
      Path trustStore,
      String serverUrl,
      String token)
      throws IOException {
    Files.createDirectories(dir.resolve("state"));
    Files.createDirectories(dir.resolve("app"));
    Files.createDirectories(dir.resolve("config"));
    Files.copy(rootfs, dir.resolve("slotA.img"));
    try (var ch =
        java.nio.channels.FileChannel.open(
            dir.resolve("slotB.img"),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), Files.size(rootfs) - 1);
    }
    Path envFile = dir.resolve("uboot.env").toAbsolutePath();
    Files.write(envFile, new byte[(int) (2 * ENV_SIZE)]);
    Files.writeString(
        dir.resolve("fw_env.config"),
        "# U-Boot environment of simulated device "
            + id
            + " (redundant copies)\n"
            + "# Device name  Offset  Env. size\n"
            + envFile
            + " 0x0000 0x4000\n"
            + envFile
            + " 0x4000 0x4000\n");
    UBootEnv.create(
        FwEnvConfig.parse(dir.resolve("fw_env.config")), BootScheme.defaultEnvironment(BOOTLIMIT));
    Files.writeString(dir.resolve("device.token"), token + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("agent.properties"), agentProperties(serverUrl, trustStore));
    config = AgentConfig.load(dir.resolve("agent.properties"));
    for (Component c : factoryManifest.release().components()) {
      ComponentInstaller installer =
          switch (c.type()) {
            case Component.TYPE_APPLICATION ->
                ApplicationInstaller.builder(config.appDir()).build();
            case Component.TYPE_CONFIG -> ConfigInstaller.inDirectory(config.configDir());
            default -> null;
          };
      if (installer != null) {
        Path work = Files.createDirectories(dir.resolve("factory").resolve(c.name()));
        Path payload = c.type().equals(Component.TYPE_APPLICATION) ? app : configJson;
        installer.install(c, payload, new ComponentInstaller.Context(Slot.A, work));
      }
    }
  }

  private String agentProperties(String serverUrl, Path trustStore) {
    Path appScript = dir.resolve("app/edge-app/current/bin/edge-app").toAbsolutePath();
    return "# Reference agent configuration of simulated device "
        + id
        + "\n"
        + "device.id="
        + id
        + "\n"
        + "device.type="
        + DemoReleases.DEVICE_TYPE
        + "\n"
        + "device.tags=site=demo\n"
        + "server.url="
        + serverUrl
        + "\n"
        + "server.token.file=device.token\n"
        + "trust.store="
        + trustStore.toAbsolutePath()
        + "\n"
        + "fw_env.config=fw_env.config\n"
        + "slot.a=slotA.img\n"
        + "slot.b=slotB.img\n"
        + "bootlimit="
        + BOOTLIMIT
        + "\n"
        + "app.dir=app\n"
        + "config.dir=config\n"
        + "state.dir=state\n"
        + "factory.version=1.0.0\n"
        + "factory.sequence=1\n"
        + "poll.interval=1\n"
        + "poll.jitter=0.5\n"
        + "check.app.type=command\n"
        + "check.app.argv.0=/bin/sh\n"
        + "check.app.argv.1="
        + appScript
        + "\n"
        + "check.app.argv.2=--self-test\n"
        + "check.app.timeout=10s\n"
        + "runner.retries=1\n"
        + "runner.retry-delay=100ms\n";
  }

  /** Powers the device on: bootloader, init, and a new agent's post-boot step. */
  synchronized void powerOn() throws IOException {
    agent = null;
    UBootEnv env = UBootEnv.fromConfig(config.fwEnvConfig());
    for (int attempt = 0; attempt < MAX_BOOTS_PER_POWER_CYCLE; attempt++) {
      BootOutcome outcome = bootloader.powerOn(env);
      boots++;
      if (outcome.fellBack()) {
        fallbacks++;
        lastEvent = "bootloader fell back to slot " + outcome.slot();
      }
      if (outcome.slot() == null) {
        fault = "bootloader found no bootable slot";
        lastEvent = fault;
        return;
      }
      booted = outcome.slot();
      Optional<String> initFailure = runInit(booted);
      if (initFailure.isPresent()) {
        watchdogResets++;
        lastEvent = "slot " + booted + ": " + initFailure.get() + "; watchdog reset";
        continue;
      }
      Slot slot = booted;
      agent = ReferenceAgent.build(config, this::noteRebootRequest, () -> slot, retry, clock);
      PostBootResult r = agent.afterBoot();
      if (r.state() != org.edgeota.api.UpdateState.IDLE) {
        lastEvent = "after boot: " + r.state() + " " + nullToEmpty(r.version());
      }
      if (!r.rebootRequested()) {
        return;
      }
      agent = null;
    }
    fault = "did not come up within " + MAX_BOOTS_PER_POWER_CYCLE + " boots";
  }

  private void noteRebootRequest() {
    // The simulation powers the device on again when the agent's result says so.
  }

  /**
   * Runs one agent cycle (check-in and whatever update follows); a requested reboot power-cycles
   * the device at once.
   */
  synchronized void step() throws IOException {
    if (fault != null) {
      return;
    }
    if (agent == null) {
      powerOn();
      return;
    }
    CycleResult r;
    try {
      r = agent.runCycle();
    } catch (OtaException e) {
      lastEvent = "cycle failed: " + e.reason();
      return;
    }
    if (r.state() != org.edgeota.api.UpdateState.IDLE) {
      lastEvent = "cycle: " + r.state() + " " + nullToEmpty(r.version());
    }
    if (r.rebootRequested()) {
      powerOn();
    }
  }

  private Optional<String> runInit(Slot slot) throws IOException {
    if (debugfs.isEmpty()) {
      return Optional.empty();
    }
    Path image = dir.resolve("slot" + slot + ".img");
    Tools.Run read =
        Tools.run(
            Map.of(),
            List.of(
                debugfs.get().toString(),
                "-R",
                "cat /opt/edge-app/bin/edge-app",
                image.toString()));
    int start = read.output().indexOf("#!/bin/sh");
    if (!read.ok() || start < 0) {
      return Optional.of("no edge application in the root file system");
    }
    Path script = dir.resolve("init-edge-app.sh");
    Files.writeString(script, read.output().substring(start));
    Tools.Run selfTest = Tools.run(Map.of(), List.of("/bin/sh", script.toString(), "--self-test"));
    return selfTest.ok()
        ? Optional.empty()
        : Optional.of("edge-app.service failed (" + selfTest.output().strip() + ")");
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  synchronized Slot booted() {
    return booted;
  }

  synchronized int boots() {
    return boots;
  }

  synchronized int watchdogResets() {
    return watchdogResets;
  }

  synchronized int fallbacks() {
    return fallbacks;
  }

  synchronized String lastEvent() {
    return lastEvent;
  }

  synchronized String fault() {
    return fault;
  }

  synchronized boolean idle() {
    try {
      return agent != null && agent.journaledState() == org.edgeota.api.UpdateState.IDLE;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Returns the pending report count of the device's outbox (0 when no agent runs). */
  synchronized int pendingReports() {
    return agent == null ? 0 : agent.outbox().pending().size();
  }

  static List<String> ids(int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      ids.add(String.format("gw-%04d", i));
    }
    return ids;
  }

  static Duration pollInterval() {
    return Duration.ofMillis(400);
  }
}
