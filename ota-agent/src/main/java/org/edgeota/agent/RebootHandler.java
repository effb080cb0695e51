package org.edgeota.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * Restarts the device so that the bootloader boots the slot the agent prepared.
 *
 * <p>The agent calls it only after the boot environment was written and read back and the journal
 * records the reboot. On a real device the call does not return (the system goes down); in tests
 * and simulations it returns and the caller powers the device on again.
 */
@FunctionalInterface
public interface RebootHandler {

  /**
   * Requests the reboot.
   *
   * @throws OtaException with {@code REBOOT_FAILED} when the request could not be made
   */
  void reboot();

  /**
   * Returns a handler that runs a configured command, for example {@code ["systemctl", "reboot"]}.
   *
   * @param command the program and its arguments; not empty
   * @param timeout how long to wait for the command to exit
   * @return the handler
   * @throws OtaException with {@code INVALID_ARGUMENT} for an empty command or a non-positive
   *     timeout
   */
  static RebootHandler command(List<String> command, Duration timeout) {
    List<String> cmd = List.copyOf(Objects.requireNonNull(command, "command"));
    if (cmd.isEmpty()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT, "[]", "reboot command: expected a program, found none");
    }
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(timeout),
          "reboot timeout: expected a positive duration, found " + timeout);
    }
    return () -> {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new OtaException(
              ReasonCode.REBOOT_FAILED,
              cmd.get(0),
              "reboot command " + cmd + ": expected exit within " + timeout + ", found none");
        }
        if (p.exitValue() != 0) {
          throw new OtaException(
              ReasonCode.REBOOT_FAILED,
              String.valueOf(p.exitValue()),
              "reboot command " + cmd + ": expected exit status 0, found " + p.exitValue());
        }
      } catch (IOException e) {
        throw new OtaException(
            ReasonCode.REBOOT_FAILED, cmd.get(0), "reboot command " + cmd + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OtaException(
            ReasonCode.REBOOT_FAILED, cmd.get(0), "reboot command " + cmd + " interrupted", e);
      }
    };
  }
}
