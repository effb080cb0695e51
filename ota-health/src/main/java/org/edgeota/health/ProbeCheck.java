package org.edgeota.health;

import java.time.Duration;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck;

/**
 * A health check made of a name, a critical flag, a timeout and a probe; the type every factory of
 * {@link HealthChecks} returns.
 *
 * <p>Instances are immutable: {@link #withName(String)}, {@link #withCritical(boolean)} and {@link
 * #withTimeout(Duration)} return adjusted copies. Checks are critical unless made advisory.
 */
public final class ProbeCheck implements HealthCheck {

  /**
   * The work a probe check performs once per attempt.
   *
   * <p>The probe receives the check's timeout so that it can bound its own I/O; the runner also
   * cancels it at that timeout.
   */
  @FunctionalInterface
  public interface Probe {

    /**
     * Runs the probe once.
     *
     * @param timeout how long the attempt may take
     * @return whether the probed thing is healthy, with what was observed
     * @throws Exception when the probe cannot be performed; the runner counts it as a failure
     */
    Result probe(Duration timeout) throws Exception;
  }

  private final String name;
  private final boolean critical;
  private final Duration timeout;
  private final Probe probe;

  private ProbeCheck(String name, boolean critical, Duration timeout, Probe probe) {
    this.name = requireName(name);
    this.critical = critical;
    this.timeout = requireTimeout(timeout);
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  /**
   * Returns a critical check.
   *
   * @param name a short stable name for reports
   * @param timeout how long one attempt may take
   * @param probe the work of one attempt
   * @return the check
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the name is blank or the
   *     timeout is not positive
   */
  public static ProbeCheck of(String name, Duration timeout, Probe probe) {
    return new ProbeCheck(name, true, timeout, probe);
  }

  /**
   * Returns a copy with another name.
   *
   * @param newName the name for reports
   * @return the renamed check
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the name is blank
   */
  public ProbeCheck withName(String newName) {
    return new ProbeCheck(newName, critical, timeout, probe);
  }

  /**
   * Returns a copy that is critical or advisory.
   *
   * @param newCritical {@code true} for a check whose failure rolls the update back
   * @return the adjusted check
   */
  public ProbeCheck withCritical(boolean newCritical) {
    return new ProbeCheck(name, newCritical, timeout, probe);
  }

  /**
   * Returns an advisory copy: its failure is reported but does not make the verdict unhealthy.
   *
   * @return the advisory check
   */
  public ProbeCheck advisory() {
    return withCritical(false);
  }

  /**
   * Returns a copy with another timeout per attempt.
   *
   * @param newTimeout how long one attempt may take
   * @return the adjusted check
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the timeout is not positive
   */
  public ProbeCheck withTimeout(Duration newTimeout) {
    return new ProbeCheck(name, critical, newTimeout, probe);
  }

  /**
   * Returns the check's name.
   *
   * @return the name used in reports
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * Tells whether a failure of this check makes the verdict unhealthy.
   *
   * @return {@code true} for a critical check
   */
  @Override
  public boolean critical() {
    return critical;
  }

  /**
   * Returns how long one attempt may take.
   *
   * @return a positive duration
   */
  @Override
  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs the probe once.
   *
   * @return the probe's outcome
   * @throws Exception whatever the probe throws
   */
  @Override
  public Result check() throws Exception {
    return probe.probe(timeout);
  }

  /**
   * Returns a description for logs.
   *
   * @return the name, kind and timeout
   */
  @Override
  public String toString() {
    return "ProbeCheck["
        + name
        + ", "
        + (critical ? "critical" : "advisory")
        + ", "
        + timeout
        + "]";
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          name,
          "health check 'name': expected a non-blank name, found '" + name + "'");
    }
    return name;
  }

  private static Duration requireTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(timeout),
          "health check 'timeout': expected a positive duration, found " + timeout);
    }
    return timeout;
  }
}
