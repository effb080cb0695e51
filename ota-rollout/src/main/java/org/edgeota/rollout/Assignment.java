package org.edgeota.rollout;

import java.time.Instant;
import java.util.Objects;
import org.edgeota.api.UpdateState;

/**
 * The fact that a rollout handed its release to a device.
 *
 * @param rolloutId the rollout
 * @param deviceId the device
 * @param bucket the device's bucket in the rollout (see {@link Buckets})
 * @param stageIndex the stage the rollout was in when the device was assigned
 * @param assignedAt when the assignment was made
 * @param cancelled whether an administrator cancelled the rollout for this device
 * @param outcome the terminal state of the device's newest outcome report, or {@code null}
 * @param outcomeAt the device's timestamp of that report, or {@code null}
 * @param outcomeReceivedAt when the controller received that report, or {@code null}
 */
public record Assignment(
    String rolloutId,
    String deviceId,
    int bucket,
    int stageIndex,
    Instant assignedAt,
    boolean cancelled,
    UpdateState outcome,
    Instant outcomeAt,
    Instant outcomeReceivedAt) {

  /** Checks the required fields. */
  public Assignment {
    Objects.requireNonNull(rolloutId, "rolloutId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(assignedAt, "assignedAt");
  }

  /**
   * Tells whether the newest outcome is a success.
   *
   * @return whether the outcome is {@link UpdateState#COMMITTED}
   */
  public boolean succeeded() {
    return outcome == UpdateState.COMMITTED;
  }

  /**
   * Tells whether the newest outcome is a failure.
   *
   * @return whether the outcome is {@link UpdateState#FAILED} or {@link UpdateState#ROLLED_BACK}
   */
  public boolean failed() {
    return outcome == UpdateState.FAILED || outcome == UpdateState.ROLLED_BACK;
  }
}
