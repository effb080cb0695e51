package org.edgeota.rollout;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;

/**
 * A device as the controller knows it.
 *
 * @param deviceId the device id
 * @param tokenHash lower-case hex SHA-256 of the device's token (the token itself is never stored)
 * @param deviceType the type from the last check-in, or {@code null} before the first
 * @param tags the tags from the last check-in
 * @param installedVersion the committed version from the last check-in, or {@code null}
 * @param agentVersion the agent version from the last check-in, or {@code null}
 * @param lastState the state of the newest status report, or {@code null}
 * @param lastStateAt the device's timestamp of that report, or {@code null}
 * @param registeredAt when the device was registered
 * @param lastSeen when the device last checked in, or {@code null}; may lag by one scheduler tick
 */
public record DeviceRecord(
    String deviceId,
    String tokenHash,
    String deviceType,
    Map<String, String> tags,
    Version installedVersion,
    Version agentVersion,
    UpdateState lastState,
    Instant lastStateAt,
    Instant registeredAt,
    Instant lastSeen) {

  /** Checks the required fields and copies the tags. */
  public DeviceRecord {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(registeredAt, "registeredAt");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
