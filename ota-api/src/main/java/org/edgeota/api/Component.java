package org.edgeota.api;

import java.util.List;
import java.util.Objects;

/**
 * One installable part of a release.
 *
 * @param name the component's name, unique within a release
 * @param type {@code "firmware"}, {@code "application"}, {@code "config"}, or a vendor type handled
 *     by a registered {@link org.edgeota.api.spi.ComponentInstaller}
 * @param file the payload file name inside the release (no path separators)
 * @param size the payload size in bytes
 * @param sha256 lower-case hex SHA-256 of the payload
 * @param installOrder components install in ascending order of this number
 * @param rebootRequired whether the component takes effect only after a reboot
 * @param deltas deltas that produce this payload from older installed images; may be empty
 */
public record Component(
    String name,
    String type,
    String file,
    long size,
    String sha256,
    int installOrder,
    boolean rebootRequired,
    List<DeltaArtifact> deltas) {

  /** Well-known type of a component written into the inactive A/B slot. */
  public static final String TYPE_FIRMWARE = "firmware";

  /** Well-known type of an application archive switched atomically in a directory slot. */
  public static final String TYPE_APPLICATION = "application";

  /** Well-known type of a JSON configuration merged into the user's configuration. */
  public static final String TYPE_CONFIG = "config";

  /** Checks that no field is missing and copies the delta list. */
  public Component {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    deltas = deltas == null ? List.of() : List.copyOf(deltas);
  }
}
