package org.edgeota.rollout;

import java.util.Objects;

/**
 * What the controller currently offers a device.
 *
 * @param rolloutId the rollout the offer comes from
 * @param release the offered release (the rollout's release, or its rollback release after a fleet
 *     rollback)
 */
public record Offer(String rolloutId, ReleaseRecord release) {

  /** Checks that no field is missing. */
  public Offer {
    Objects.requireNonNull(rolloutId, "rolloutId");
    Objects.requireNonNull(release, "release");
  }
}
