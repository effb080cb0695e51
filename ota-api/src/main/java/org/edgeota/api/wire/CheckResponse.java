package org.edgeota.api.wire;

import java.util.Map;

/**
 * Answer to a check-in.
 *
 * <p>When an update is assigned, {@code manifest} holds the signed manifest exactly as the build
 * server produced it (the device verifies it itself; the controller is not trusted for content) and
 * {@code artifactUrls} maps each file named in the manifest to where it can be downloaded.
 *
 * @param updateAvailable whether a release is assigned to the device
 * @param rolloutId the rollout that assigned it, or {@code null}
 * @param manifest the signed manifest JSON, or {@code null} when no update is available
 * @param artifactUrls file name to absolute URL; empty when no update is available
 * @param pollIntervalSeconds how long the device should wait before its next check-in
 */
public record CheckResponse(
    boolean updateAvailable,
    String rolloutId,
    String manifest,
    Map<String, String> artifactUrls,
    long pollIntervalSeconds) {

  /** Copies the URL map. */
  public CheckResponse {
    artifactUrls = artifactUrls == null ? Map.of() : Map.copyOf(artifactUrls);
  }

  /**
   * Returns the answer that assigns nothing.
   *
   * @param pollIntervalSeconds how long the device should wait before its next check-in
   * @return an answer without update
   */
  public static CheckResponse noUpdate(long pollIntervalSeconds) {
    return new CheckResponse(false, null, null, Map.of(), pollIntervalSeconds);
  }
}
