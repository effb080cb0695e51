package org.edgeota.health;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.edgeota.health.internal.SystemCommandRunner;

/**
 * The seam through which command and systemd checks run an external program.
 *
 * <p>Tests and vendors with their own process supervision pass their own runner; {@link #system()}
 * starts a real process.
 */
@FunctionalInterface
public interface CommandRunner {

  /**
   * Runs a program to its end or until the timeout, whichever comes first.
   *
   * @param argv the program and its arguments; never passed through a shell
   * @param timeout how long the program may run before it and its descendants are killed
   * @return the exit status and the start of the output
   * @throws IOException when the program cannot be started
   * @throws InterruptedException when the calling thread is interrupted; the program is killed
   */
  Outcome run(List<String> argv, Duration timeout) throws IOException, InterruptedException;

  /**
   * Returns a runner that starts real processes with standard input closed and standard error
   * merged into standard output.
   *
   * @return the system runner
   */
  static CommandRunner system() {
    return new SystemCommandRunner();
  }

  /**
   * What a finished or killed program left behind.
   *
   * @param exitStatus the exit status, or {@code -1} when the program was killed at its timeout
   * @param timedOut whether the program was killed because it ran past its timeout
   * @param output the first few kilobytes of its combined output
   */
  record Outcome(int exitStatus, boolean timedOut, String output) {}
}
