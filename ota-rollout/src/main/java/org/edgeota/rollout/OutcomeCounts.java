package org.edgeota.rollout;

/**
 * Outcome counts of one rollout, derived from its assignments (one outcome per device: the newest).
 *
 * @param assigned devices assigned and not cancelled
 * @param successes devices whose newest outcome is a commit
 * @param failures devices whose newest outcome is a failure or a device rollback
 */
public record OutcomeCounts(long assigned, long successes, long failures) {

  /**
   * Returns the number of devices with an outcome.
   *
   * @return {@code successes + failures}
   */
  public long reports() {
    return successes + failures;
  }
}
