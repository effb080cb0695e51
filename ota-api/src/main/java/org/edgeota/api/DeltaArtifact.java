package org.edgeota.api;

import java.util.Objects;

/**
 * A binary delta that turns one installed image into a component's new image.
 *
 * @param fromVersion the release whose image the delta applies to
 * @param fromSha256 lower-case hex SHA-256 the installed image must have before applying
 * @param file the patch file name inside the release (no path separators)
 * @param size the patch size in bytes
 * @param sha256 lower-case hex SHA-256 of the patch file
 * @param algorithm the delta algorithm; {@code "bsdiff"} is the only one defined
 */
public record DeltaArtifact(
    Version fromVersion,
    String fromSha256,
    String file,
    long size,
    String sha256,
    String algorithm) {

  /** Checks that no field is missing. */
  public DeltaArtifact {
    Objects.requireNonNull(fromVersion, "fromVersion");
    Objects.requireNonNull(fromSha256, "fromSha256");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(algorithm, "algorithm");
  }
}
