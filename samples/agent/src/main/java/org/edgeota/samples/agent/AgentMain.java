package org.edgeota.samples.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.edgeota.agent.CycleResult;
import org.edgeota.agent.PostBootResult;
import org.edgeota.agent.UpdateAgent;
import org.edgeota.api.OtaException;
import org.edgeota.download.ResumableDownloader;
import org.edgeota.download.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line of the reference agent: {@code java -jar ota-agent.jar --config
 * agent.properties}. On start it finishes whatever the previous boot left (trial health checks,
 * commit or rollback), then checks in every poll interval plus a random jitter. The {@code outbox}
 * subcommand ({@link OutboxCommand}) lists and requeues reports the controller refused.
 */
@Command(
    name = "ota-agent",
    mixinStandardHelpOptions = true,
    description =
        "Edge OTA reference agent: checks in, installs into the inactive slot, reboots,"
            + " commits or rolls back.",
    subcommands = OutboxCommand.class)
public final class AgentMain implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Not required by picocli, which would then demand it before the outbox subcommand too.
  @Option(names = "--config", description = "Agent properties file (required to run the agent).")
  Path configFile;

  @Option(names = "--once", description = "Run the post-boot step and one cycle, then exit.")
  boolean once;

  /**
   * Runs the agent.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    ResumableDownloader.useLargeClientBuffers();
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "ota-agent-logback.xml");
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * Returns the command line with its subcommands; an {@link OtaException} from any of them is
   * printed as one line on the error stream and ends with exit status 2.
   *
   * @return a new command line
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new AgentMain());
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof OtaException oe) {
            line.getErr().println("ota-agent: " + oe.getMessage());
            return 2;
          }
          throw e;
        });
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    if (configFile == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--config'");
    }
    // Obtained here, not in a static field, so main() can choose the logging configuration first.
    Logger log = LoggerFactory.getLogger(AgentMain.class);
    AgentConfig config = AgentConfig.load(configFile);
    UpdateAgent agent =
        ReferenceAgent.build(
            config,
            ReferenceAgent.rebootHandler(config),
            null,
            RetryPolicy.defaults(),
            Clock.systemUTC());
    PostBootResult boot = agent.afterBoot();
    log.info("post-boot step: {} {}", boot.state(), boot.version() == null ? "" : boot.version());
    if (boot.rebootRequested()) {
      return 0; // the system is going down
    }
    while (true) {
      CycleResult r;
      try {
        r = agent.runCycle();
      } catch (OtaException e) {
        log.warn("update cycle failed, trying again next poll: {}", e.getMessage());
        r = null;
      }
      if (r != null && r.rebootRequested()) {
        return 0;
      }
      if (once) {
        return 0;
      }
      Thread.sleep(nextWait(config.pollInterval(), config.pollJitter()).toMillis());
    }
  }

  /**
   * Returns the wait before the next check-in: the interval plus a random share of the jitter.
   *
   * @param interval the poll interval
   * @param jitter the largest random addition
   * @return the wait
   */
  static Duration nextWait(Duration interval, Duration jitter) {
    long extra = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
    return interval.plusMillis(extra);
  }
}
