package org.edgeota.rollout;

import org.edgeota.api.ReasonCode;

/**
 * The HTTP status an HTTP transport of {@link DeviceApi} and {@link AdminApi} answers for an {@link
 * org.edgeota.api.OtaException}, so that every controller maps failures alike.
 */
public final class HttpStatuses {
  private HttpStatuses() {}

  /**
   * Returns the HTTP status for a reason code.
   *
   * @param reason the reason of the failure
   * @return 400 for invalid input, 401 unauthenticated, 403 forbidden, 404 unknown rollout, device
   *     or release, 409 conflicting or illegal transition, 422 a release that does not verify or
   *     breaks the release policy, 503 a failing store or file system, 500 anything else
   */
  public static int of(ReasonCode reason) {
    switch (reason) {
      case INVALID_ARGUMENT:
      case INVALID_VERSION:
      case ROLLOUT_CONFIG_INVALID:
      case MANIFEST_MALFORMED:
      case MANIFEST_TOO_LARGE:
      case MANIFEST_FIELD_INVALID:
      case WIRE_MALFORMED:
        return 400;
      case UNAUTHORIZED:
        return 401;
      case FORBIDDEN:
        return 403;
      case ROLLOUT_NOT_FOUND:
      case DEVICE_NOT_FOUND:
      case RELEASE_NOT_FOUND:
        return 404;
      case CONFLICT:
      case ILLEGAL_TRANSITION:
        return 409;
      case RELEASE_REJECTED:
      case SIGNATURE_MISSING:
      case SIGNATURE_INVALID:
      case SIGNATURE_THRESHOLD_NOT_MET:
      case KEY_UNKNOWN:
      case TRUST_STORE_INVALID:
      case MANIFEST_EXPIRED:
      case KEY_INVALID:
      case PAYLOAD_MISMATCH:
      case VERSION_DOWNGRADE:
      case SEQUENCE_NOT_HIGHER:
      case DEVICE_TYPE_MISMATCH:
      case AGENT_TOO_OLD:
      case TRUST_ROTATION_REJECTED:
        return 422;
      case STORE_ERROR:
      case IO_ERROR:
        return 503;
      default:
        return 500;
    }
  }
}
