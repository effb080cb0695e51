package org.edgeota.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The content of a release manifest, as a device or controller uses it after the manifest's
 * signatures have been verified.
 *
 * @param version the release version
 * @param sequence the build server's monotonic release counter (anti-rollback)
 * @param downgrade whether the signed manifest authorises installing a lower version
 * @param releaseDate when the release was built
 * @param expires after this instant devices refuse the release (freeze attacks)
 * @param minAgentVersion the oldest agent that may install the release
 * @param targetDeviceTypes the device types the release is built for
 * @param rollbackVersion the version devices return to on a fleet rollback, or {@code null}
 * @param components the installable parts, in any order
 */
public record Release(
    Version version,
    long sequence,
    boolean downgrade,
    Instant releaseDate,
    Instant expires,
    Version minAgentVersion,
    List<String> targetDeviceTypes,
    Version rollbackVersion,
    List<Component> components) {

  /** Checks that no required field is missing and copies the lists. */
  public Release {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(releaseDate, "releaseDate");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(minAgentVersion, "minAgentVersion");
    targetDeviceTypes = List.copyOf(targetDeviceTypes);
    components = List.copyOf(components);
  }
}
