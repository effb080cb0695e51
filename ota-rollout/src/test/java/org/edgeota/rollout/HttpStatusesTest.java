package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;

class HttpStatusesTest {

  @Test
  void of_controllerReasons_mapToTheDocumentedStatuses() {
    assertThat(HttpStatuses.of(ReasonCode.UNAUTHORIZED)).isEqualTo(401);
    assertThat(HttpStatuses.of(ReasonCode.ROLLOUT_NOT_FOUND)).isEqualTo(404);
    assertThat(HttpStatuses.of(ReasonCode.ILLEGAL_TRANSITION)).isEqualTo(409);
    assertThat(HttpStatuses.of(ReasonCode.CONFLICT)).isEqualTo(409);
    assertThat(HttpStatuses.of(ReasonCode.SIGNATURE_INVALID)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.ROLLOUT_CONFIG_INVALID)).isEqualTo(400);
    assertThat(HttpStatuses.of(ReasonCode.STORE_ERROR)).isEqualTo(503);
  }

  /**
   * Regression: the release-policy and payload reasons a release upload can fail with answered 500,
   * as if the controller had crashed, and a device's unreadable body answered 500 too.
   */
  @Test
  void of_releasePolicyAndWireReasons_areClientErrorsNotServerErrors() {
    assertThat(HttpStatuses.of(ReasonCode.PAYLOAD_MISMATCH)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.KEY_INVALID)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.VERSION_DOWNGRADE)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.SEQUENCE_NOT_HIGHER)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.DEVICE_TYPE_MISMATCH)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.AGENT_TOO_OLD)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.TRUST_ROTATION_REJECTED)).isEqualTo(422);
    assertThat(HttpStatuses.of(ReasonCode.WIRE_MALFORMED)).isEqualTo(400);
    assertThat(HttpStatuses.of(ReasonCode.IO_ERROR)).isEqualTo(503);
  }

  @Test
  void of_everyReason_isAnErrorStatus() {
    for (ReasonCode reason : ReasonCode.values()) {
      assertThat(HttpStatuses.of(reason)).as("%s", reason).isBetween(400, 599);
    }
  }
}
