package org.edgeota.delta;

import java.util.Objects;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.ReasonCode;

/**
 * What {@link DeltaSelector#install} did: which path produced the new image and why.
 *
 * @param choice {@link Choice#DELTA} or {@link Choice#FULL}
 * @param reason a sentence saying why this path was taken
 * @param delta the delta applied or tried, or {@code null} when none matched the installed image
 * @param deltaFailure the reason code of a delta attempt that failed before the fallback to the
 *     full payload, or {@code null}
 * @param size the size of the new image written to the sink
 * @param sha256 the lower-case hex SHA-256 of the new image, equal to the component's
 */
public record Selection(
    Choice choice,
    String reason,
    DeltaArtifact delta,
    ReasonCode deltaFailure,
    long size,
    String sha256) {

  /** Checks that the required fields are present. */
  public Selection {
    Objects.requireNonNull(choice, "choice");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(sha256, "sha256");
  }
}
