package org.edgeota.samples.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.edgeota.agent.ApplicationInstaller;
import org.edgeota.agent.ConfigInstaller;
import org.edgeota.agent.RebootHandler;
import org.edgeota.agent.StatusOutbox;
import org.edgeota.agent.UpdateAgent;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.Version;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.download.HttpTransportClient;
import org.edgeota.download.RetryPolicy;
import org.edgeota.health.HealthChecks;
import org.edgeota.health.HealthRunner;
import org.edgeota.manifest.TrustStore;
import org.edgeota.partition.BlockDeviceSlots;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.ImageFileSlots;
import org.edgeota.partition.UBootEnv;

/**
 * Assembles the SDK's {@link UpdateAgent} from an {@link AgentConfig}: HTTP transport, U-Boot
 * environment from {@code fw_env.config}, A/B slots (image files or block devices), application and
 * configuration installers, health checks and trust store.
 *
 * <p>The command-line agent ({@link AgentMain}) and the fleet demo build their agents here, so the
 * demo runs exactly the reference agent's code.
 */
public final class ReferenceAgent {
  /** The version of this reference agent, checked against a release's {@code minAgentVersion}. */
  public static final Version AGENT_VERSION = Version.of(0, 1, 0);

  private ReferenceAgent() {}

  /**
   * Builds an agent for one boot of the device.
   *
   * @param config the settings
   * @param reboot how the device is rebooted
   * @param bootedSlot the slot the device booted (for example from the kernel command line), or
   *     {@code null} to derive it from the boot environment
   * @param retry the transport's retry policy
   * @param clock the time source
   * @return an agent; nothing is read or written yet
   * @throws OtaException {@link ReasonCode#INVALID_ARGUMENT} for an unusable setting, or the reason
   *     of a trust store or {@code fw_env.config} that cannot be read
   */
  public static UpdateAgent build(
      AgentConfig config,
      RebootHandler reboot,
      Supplier<Slot> bootedSlot,
      RetryPolicy retry,
      Clock clock) {
    TransportClient transport =
        HttpTransportClient.builder()
            .baseUri(config.serverUrl())
            .deviceToken(config.token())
            .retryPolicy(retry)
            .clock(clock)
            .build();
    UBootEnv env = UBootEnv.fromConfig(config.fwEnvConfig());
    BootScheme scheme = BootScheme.of(env);
    Map<Slot, Path> slots = Map.of(Slot.A, config.slotA(), Slot.B, config.slotB());
    PartitionBackend partitions =
        Files.isRegularFile(config.slotA())
            ? ImageFileSlots.preallocated(slots, scheme)
            : BlockDeviceSlots.of(slots, scheme);
    Path base = config.stateDir();
    HealthRunner health =
        HealthRunner.builder()
            .checks(HealthChecks.fromConfig(config.health(), base))
            .config(config.health())
            .clock(clock)
            .build();
    UpdateAgent.Builder b =
        UpdateAgent.builder()
            .transport(transport)
            .bootScheme(scheme)
            .partitions(partitions)
            .installer(ApplicationInstaller.builder(config.appDir()).build())
            .installer(ConfigInstaller.inDirectory(config.configDir()))
            .healthRunner(health)
            .trustStore(TrustStore.read(config.trustStore()))
            .clock(clock)
            .stateDirectory(config.stateDir())
            .device(config.deviceId(), config.deviceType(), config.tags())
            .factoryRelease(Version.parse(config.factoryVersion()), config.factorySequence())
            .agentVersion(AGENT_VERSION)
            .rebootHandler(reboot);
    if (bootedSlot != null) {
      b.bootedSlot(bootedSlot);
    }
    return b.build();
  }

  /**
   * Opens the agent's status outbox without building the agent, for the {@code outbox} commands:
   * the directory {@code <state.dir>/outbox} that {@link UpdateAgent} uses.
   *
   * @param config the settings
   * @param clock the time source
   * @return the outbox
   * @throws OtaException {@link ReasonCode#IO_ERROR} when the outbox directory cannot be created
   */
  public static StatusOutbox openOutbox(AgentConfig config, Clock clock) {
    // The agent's default backoff; listing and requeueing never compute a delay.
    return StatusOutbox.open(
        config.stateDir().resolve("outbox"), clock, Duration.ofSeconds(30), Duration.ofHours(1));
  }

  /**
   * Returns the reboot handler of a configuration: its {@code reboot.command} split on blanks.
   *
   * @param config the settings
   * @return the handler
   */
  public static RebootHandler rebootHandler(AgentConfig config) {
    return RebootHandler.command(
        List.of(config.rebootCommand().trim().split("\\s+")), Duration.ofMinutes(1));
  }
}
