package org.edgeota.api.spi;

import java.net.URI;
import java.util.Objects;

/**
 * What to download and what the result must be.
 *
 * @param uri where the artifact is served
 * @param size the exact size in bytes; more bytes than this are never accepted
 * @param sha256 lower-case hex SHA-256 the downloaded bytes must have
 */
public record ArtifactRequest(URI uri, long size, String sha256) {

  /** Checks that no field is missing. */
  public ArtifactRequest {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(sha256, "sha256");
  }
}
