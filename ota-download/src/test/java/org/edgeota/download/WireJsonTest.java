package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.junit.jupiter.api.Test;

class WireJsonTest {
  private static final CheckRequest CHECK =
      new CheckRequest(
          new DeviceInfo(
              "dev-1",
              "gateway-x1",
              Version.parse("1.2.0-rc.1+b7"),
              Version.of(0, 9, 0),
              Map.of("region", "eu")),
          17,
          Slot.B);

  @Test
  void toJson_checkRequest_writesVersionsAsStringsAndSlotAsName() throws Exception {
    String json = WireJson.toJson(CHECK);

    JsonNode tree = WireJson.newMapper().readTree(json);
    assertThat(tree.at("/device/installedVersion").asText()).isEqualTo("1.2.0-rc.1+b7");
    assertThat(tree.at("/device/agentVersion").asText()).isEqualTo("0.9.0");
    assertThat(tree.at("/installedSequence").asLong()).isEqualTo(17);
    assertThat(tree.at("/bootedSlot").asText()).isEqualTo("B");
    assertThat(WireJson.fromJson(json, CheckRequest.class)).isEqualTo(CHECK);
  }

  @Test
  void toJson_statusReport_writesInstantAsIsoStringAndOmitsNulls() throws Exception {
    StatusReport report =
        new StatusReport(
            "r-1",
            "dev-1",
            null,
            "2.0.0",
            UpdateState.FAILED,
            "PAYLOAD_MISMATCH",
            null,
            Instant.parse("2026-12-04T15:30:00Z"));

    String json = WireJson.toJson(report);

    JsonNode tree = WireJson.newMapper().readTree(json);
    assertThat(tree.get("timestamp").asText()).isEqualTo("2026-12-04T15:30:00Z");
    assertThat(tree.has("rolloutId")).isFalse();
    assertThat(WireJson.fromJson(json, StatusReport.class)).isEqualTo(report);
  }

  @Test
  void fromJson_checkResponseAndAck_roundTrip() {
    CheckResponse response =
        new CheckResponse(
            true, "ro-1", "{\"version\":\"2.0.0\"}", Map.of("a.bin", "https://c/a"), 60);
    StatusAck ack = new StatusAck("r-1", true);

    assertThat(WireJson.fromJson(WireJson.toJson(response), CheckResponse.class))
        .isEqualTo(response);
    assertThat(WireJson.fromJson(WireJson.toJson(ack), StatusAck.class)).isEqualTo(ack);
  }

  @Test
  void fromJson_duplicateKey_isRejected() {
    String json = "{\"reportId\":\"a\",\"reportId\":\"b\",\"duplicate\":false}";

    assertThatThrownBy(() -> WireJson.fromJson(json, StatusAck.class))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED);
              assertThat(e.getMessage()).contains("reportId");
            });
  }

  @Test
  void fromJson_missingRequiredMember_namesTheMember() {
    String json =
        "{\"reportId\":\"r\",\"state\":\"FAILED\",\"timestamp\":\"2026-12-04T15:30:00Z\"}";

    assertThatThrownBy(() -> WireJson.fromJson(json, StatusReport.class))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED);
              assertThat(e.getMessage()).contains("deviceId");
            });
  }

  @Test
  void fromJson_badVersion_namesTheFieldAndValue() {
    String json = WireJson.toJson(CHECK).replace("0.9.0", "0.9");

    assertThatThrownBy(() -> WireJson.fromJson(json, CheckRequest.class))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED);
              assertThat(e.getMessage()).contains("agentVersion").contains("0.9");
            });
  }

  @Test
  void fromJson_badInstantOrEnumNumber_isRejected() {
    String badInstant =
        "{\"reportId\":\"r\",\"deviceId\":\"d\",\"state\":\"FAILED\",\"timestamp\":\"yesterday\"}";
    String enumNumber =
        "{\"reportId\":\"r\",\"deviceId\":\"d\",\"state\":3,"
            + "\"timestamp\":\"2026-12-04T15:30:00Z\"}";

    assertThatThrownBy(() -> WireJson.fromJson(badInstant, StatusReport.class))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.getMessage()).contains("timestamp"));
    assertThatThrownBy(() -> WireJson.fromJson(enumNumber, StatusReport.class))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED));
  }

  @Test
  void fromJson_trailingContentOrOversizedDocument_isRejected() {
    String trailing = "{\"reportId\":\"r\",\"duplicate\":false} {}";
    byte[] huge = new byte[WireJson.MAX_DOCUMENT_BYTES + 1];

    assertThatThrownBy(() -> WireJson.fromJson(trailing, StatusAck.class))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED));
    assertThatThrownBy(() -> WireJson.fromJson(huge, StatusAck.class))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.offendingValue()).isEqualTo(String.valueOf(huge.length)));
  }

  @Test
  void fromJson_unknownMember_isIgnoredForForwardCompatibility() {
    String json = "{\"reportId\":\"r\",\"duplicate\":false,\"addedLater\":1}";

    assertThat(WireJson.fromJson(json, StatusAck.class)).isEqualTo(new StatusAck("r", false));
  }

  @Test
  void toJson_nonMessageType_isRejected() {
    assertThatThrownBy(() -> WireJson.toJson("text"))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
  }
}
