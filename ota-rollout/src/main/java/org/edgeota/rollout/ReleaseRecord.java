package org.edgeota.rollout;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.edgeota.api.Version;

/**
 * A release the controller accepted after verifying it.
 *
 * @param version the release version
 * @param sequence the manifest's anti-rollback sequence
 * @param downgrade whether the signed manifest authorises a downgrade
 * @param targetDeviceTypes the device types the release is built for
 * @param files every payload and delta file the manifest names
 * @param manifest the signed manifest exactly as received
 * @param artifactDirectory where the files are kept on the controller
 * @param addedAt when the release was accepted
 */
public record ReleaseRecord(
    Version version,
    long sequence,
    boolean downgrade,
    List<String> targetDeviceTypes,
    List<String> files,
    String manifest,
    Path artifactDirectory,
    Instant addedAt) {

  /** Checks the required fields and copies the lists. */
  public ReleaseRecord {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(artifactDirectory, "artifactDirectory");
    Objects.requireNonNull(addedAt, "addedAt");
    targetDeviceTypes = List.copyOf(targetDeviceTypes);
    files = List.copyOf(files);
  }
}
