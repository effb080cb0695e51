package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.edgeota.api.UpdateState;
import org.edgeota.api.wire.StatusReport;

class WireJsonProperties {

  @Property(seed = "7070", tries = 300)
  void statusReport_roundTripsThroughJson(
      @ForAll @AlphaChars @StringLength(min = 1, max = 20) String reportId,
      @ForAll @StringLength(max = 40) String detail,
      @ForAll UpdateState state,
      @ForAll @LongRange(min = 0, max = 4_102_444_800L) long epochSecond,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    StatusReport report =
        new StatusReport(
            reportId,
            "device-" + reportId,
            null,
            "1.0.0",
            state,
            null,
            detail,
            Instant.ofEpochSecond(epochSecond, nanos));

    StatusReport back = WireJson.fromJson(WireJson.toJson(report), StatusReport.class);

    assertThat(back).isEqualTo(report);
  }
}
