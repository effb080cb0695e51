package org.edgeota.rollout.internal;

import java.time.Instant;
import java.util.Comparator;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
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

  static OtaException rolloutConflict(String rolloutId) {
    return new OtaException(
        ReasonCode.CONFLICT,
        rolloutId,
        "rollout '" + rolloutId + "': expected a new id, found an existing rollout");
  }
}
