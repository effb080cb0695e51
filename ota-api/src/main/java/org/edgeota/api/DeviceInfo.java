package org.edgeota.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a device says about itself when it checks in.
 *
 * @param deviceId the device's unique id
 * @param deviceType the hardware type, matched against a manifest's {@code targetDeviceTypes}
 * @param installedVersion the version of the committed release
 * @param agentVersion the version of the update agent, checked against {@code minAgentVersion}
 * @param tags free-form labels a rollout's target filter can match (for example region)
 */
public record DeviceInfo(
    String deviceId,
    String deviceType,
    Version installedVersion,
    Version agentVersion,
    Map<String, String> tags) {

  /**
   * Validates and copies the fields.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the id or type is blank
   */
  public DeviceInfo {
    requireText("deviceId", deviceId);
    requireText("deviceType", deviceType);
    Objects.requireNonNull(installedVersion, "installedVersion");
    Objects.requireNonNull(agentVersion, "agentVersion");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          value,
          field + ": expected non-blank text, found '" + value + "'");
    }
  }
}
