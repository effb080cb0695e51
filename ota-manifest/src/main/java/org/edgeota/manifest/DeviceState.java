package org.edgeota.manifest;

import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;

/**
 * What a device knows about itself when it evaluates a manifest.
 *
 * @param installedVersion the version running now, or {@code null} if nothing is installed yet (any
 *     version is then newer)
 * @param highestAcceptedSequence the highest manifest sequence this device has accepted, persisted
 *     across reboots; {@code 0} when none (release sequences start at 1)
 * @param deviceType this device's type, matched against {@code targetDeviceTypes}
 * @param agentVersion the version of the agent doing the update, compared with {@code
 *     minAgentVersion}
 */
public record DeviceState(
    Version installedVersion,
    long highestAcceptedSequence,
    String deviceType,
    Version agentVersion) {

  /**
   * Checks that the device type and agent version are present and the sequence is not negative.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a negative {@code
   *     highestAcceptedSequence} (a corrupted persisted value must not pass as "nothing accepted")
   */
  public DeviceState {
    Objects.requireNonNull(deviceType, "deviceType");
    Objects.requireNonNull(agentVersion, "agentVersion");
    if (highestAcceptedSequence < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(highestAcceptedSequence),
          "device state highestAcceptedSequence: expected 0 or more, found "
              + highestAcceptedSequence);
    }
  }
}
