package org.edgeota.rollout.internal;

import java.time.Instant;
import java.util.Comparator;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutEvent;

/** Rules and messages every store shares. */
final class StoreSupport {
  static final Comparator<Rollout> ROLLOUT_ORDER =
      Comparator.comparing(Rollout::createdAt).thenComparing(Rollout::id);

  private StoreSupport() {}

  static RolloutEvent event(Rollout r, Instant at) {
    return new RolloutEvent(r.id(), r.revision(), r.state(), r.stageIndex(), r.reason(), at);
  }

  static void checkNext(Rollout expected, Rollout next) {
    if (!expected.id().equals(next.id()) || next.revision() != expected.revision() + 1) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(next.revision()),
          "rollout transition: expected revision "
              + (expected.revision() + 1)
              + " of '"
              + expected.id()
              + "', found revision "
              + next.revision()
              + " of '"
              + next.id()
              + "'");
    }
  }

  static OtaException releaseConflict(Version version) {
    return new OtaException(
        ReasonCode.CONFLICT,
        version.toString(),
        "release " + version + ": expected a new version or the same manifest, found another one");
  }

  static OtaException deviceConflict(String deviceId) {
    return new OtaException(
        ReasonCode.CONFLICT,
        deviceId,
        "device '" + deviceId + "': expected an unregistered id, found it registered");
  }

  static OtaException deviceNotFound(String deviceId) {
    return new OtaException(
        ReasonCode.DEVICE_NOT_FOUND,
        deviceId,
        "device '" + deviceId + "': expected a registered device, found none");
  }

  /**
   * The fields of a status report that a resend of the same report id must repeat: the device, the
   * rollout, the version, the state and the reason. The timestamp is left out because the engine
   * may replace an implausible one by the time of receipt.
   */
  record ReportBody(
      String deviceId, String rolloutId, String version, String state, String reason) {
    static ReportBody of(StatusReport r) {
      return new ReportBody(r.deviceId(), r.rolloutId(), r.version(), r.state().name(), r.reason());
    }
  }

  static OtaException reportConflict(String reportId, ReportBody stored, ReportBody given) {
    return new OtaException(
        ReasonCode.CONFLICT,
        reportId,
        "status report '"
            + reportId
            + "': expected a resend of the stored report "
            + stored
            + ", found another body "
            + given
            + "; a report id names one report, a new report needs a new id");
  }

  static OtaException rolloutConflict(String rolloutId) {
    return new OtaException(
        ReasonCode.CONFLICT,
        rolloutId,
        "rollout '" + rolloutId + "': expected a new id, found an existing rollout");
  }
}
