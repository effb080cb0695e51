package org.edgeota.health.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.edgeota.health.CommandRunner;
import org.edgeota.health.ProbeCheck;

/** A program whose exit status 0 means healthy. */
public final class CommandProbe implements ProbeCheck.Probe {

  private final List<String> argv;
  private final CommandRunner runner;

  /**
   * Creates a probe.
   *
   * @param argv the program and its arguments
   * @param runner runs the program
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when argv is empty or holds an
   *     empty program name
   */
  public CommandProbe(List<String> argv, CommandRunner runner) {
    Objects.requireNonNull(argv, "argv");
    if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(argv),
          "command check 'argv': expected a program and its arguments, found " + argv);
    }
    this.argv = List.copyOf(argv);
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  /**
   * Checks a systemd unit name before it becomes an argument of {@code systemctl}.
   *
   * @param unit the unit name
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when it is empty, starts with
   *     {@code -} (it would be read as an option), or holds whitespace, a slash or a control
   *     character
   */
  public static void validateUnit(String unit) {
    boolean usable =
        unit != null
            && !unit.isEmpty()
            && !unit.startsWith("-")
            && unit.chars()
                .noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '/');
    if (!usable) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          unit,
          "systemd check 'unit': expected a unit name such as app.service, found '" + unit + "'");
    }
  }

  @Override
  public Result probe(Duration timeout) throws IOException, InterruptedException {
    CommandRunner.Outcome outcome = runner.run(argv, timeout);
    String program = argv.get(0);
    if (outcome.timedOut()) {
      throw new OtaException(
          ReasonCode.HEALTH_TIMEOUT,
          program,
          "command " + program + ": expected it to finish within " + timeout + ", it was killed");
    }
    String output = Details.clip(outcome.output());
    String observed =
        Details.clip(
            String.join(" ", argv)
                + ": exit status "
                + outcome.exitStatus()
                + (output.isEmpty() ? "" : ", output '" + output + "'"));
    return outcome.exitStatus() == 0 ? Result.pass(observed) : Result.fail(observed);
  }
}
