package org.edgeota.api.wire;

import java.time.Instant;
import java.util.Objects;
import org.edgeota.api.UpdateState;

/**
 * Body of {@code POST /api/v1/updates/status}: a device reports progress or an outcome.
 *
 * <p>The {@code reportId} is chosen by the device and kept across retries, so the controller counts
 * each report once however often it is delivered.
 *
 * @param reportId unique id of this report (for example a UUID)
 * @param deviceId the reporting device
 * @param rolloutId the rollout the update belongs to, or {@code null}
 * @param version the target release version, as text
 * @param state the state reached
 * @param reason the {@link org.edgeota.api.ReasonCode} name of a failure, or {@code null}
 * @param detail human-readable detail, or {@code null}; never holds secrets
 * @param timestamp when the device produced the report
 */
public record StatusReport(
    String reportId,
    String deviceId,
    String rolloutId,
    String version,
    UpdateState state,
    String reason,
    String detail,
    Instant timestamp) {

  /** Checks that the identifying fields are present. */
  public StatusReport {
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
