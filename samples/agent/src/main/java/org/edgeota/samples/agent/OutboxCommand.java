package org.edgeota.samples.agent;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.edgeota.agent.StatusOutbox;
import org.edgeota.agent.StatusOutbox.RejectedReport;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.wire.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code outbox} commands of the reference agent: list the status reports the controller
 * refused for good, and put them back in line once the controller accepts them again.
 *
 * <p>They open {@code <state.dir>/outbox} directly, without building the agent, so they work even
 * when the boot environment or the trust store cannot be read. Run them while the agent service is
 * stopped: the outbox is not shared between processes.
 */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    description = "Inspect the status outbox: list rejected reports, requeue them.",
    subcommands = {OutboxCommand.ListRejected.class, OutboxCommand.Requeue.class})
public final class OutboxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: expected list-rejected or requeue");
  }

  /**
   * Opens the outbox of a configuration that must already have one: a mistyped {@code state.dir} is
   * an error, not a reason to create directories.
   */
  static StatusOutbox existingOutbox(Path configFile) {
    AgentConfig config = AgentConfig.load(configFile);
    Path outbox = config.stateDir().resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          outbox.toString(),
          "state.dir: expected an agent's outbox directory at "
              + outbox
              + ", found none (is state.dir right?)");
    }
    return ReferenceAgent.openOutbox(config, Clock.systemUTC());
  }

  /** A field of the tab-separated listing: tabs, line breaks and other controls escaped. */
  static String field(String value) {
    if (value == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(value.length());
    value
        .codePoints()
        .forEach(
            c -> {
              if (c == '\t') {
                b.append("\\t");
              } else if (c == '\n') {
                b.append("\\n");
              } else if (c == '\\') {
                b.append("\\\\");
              } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }

  /** {@code ota-agent outbox list-rejected --config FILE}: one line per rejected report. */
  @Command(
      name = "list-rejected",
      mixinStandardHelpOptions = true,
      description =
          "List the reports the controller refused for good: id, state, version, refusals,"
              + " last reason (tab-separated).")
  public static final class ListRejected implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, description = "Agent properties file.")
    Path configFile;

    @Override
    public Integer call() {
      StatusOutbox outbox = existingOutbox(configFile);
      List<RejectedReport> rejected = outbox.rejected();
      PrintWriter out = spec.commandLine().getOut();
      if (rejected.isEmpty()) {
        out.println("no rejected reports");
      }
      for (RejectedReport r : rejected) {
        StatusReport s = r.report();
        out.println(
            String.join(
                "\t",
                field(s.reportId()),
                s.state().name(),
                field(s.version()),
                Integer.toString(r.rejections()),
                field(r.reason())));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ota-agent outbox requeue --config FILE [--id ID]}: moves rejected reports back. */
  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description =
          "Move rejected reports back into the queue (all, or the one given by --id); they are"
              + " delivered at the agent's next delivery.")
  public static final class Requeue implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, description = "Agent properties file.")
    Path configFile;

    @Option(names = "--id", description = "The report id to requeue; all when absent.")
    String reportId;

    @Override
    public Integer call() {
      StatusOutbox outbox = existingOutbox(configFile);
      PrintWriter out = spec.commandLine().getOut();
      if (reportId == null) {
        List<StatusReport> moved = outbox.requeueRejected();
        moved.forEach(r -> out.println("requeued " + r.reportId()));
        if (moved.isEmpty()) {
          out.println("nothing requeued: no rejected report that is not queued already");
        }
      } else {
        Optional<StatusReport> moved = outbox.requeueRejected(reportId);
        out.println(
            moved.isPresent()
                ? "requeued " + reportId
                : "nothing requeued: " + reportId + " is queued already");
      }
      out.flush();
      return 0;
    }
  }
}
