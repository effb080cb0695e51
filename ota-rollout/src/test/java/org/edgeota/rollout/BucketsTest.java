package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BucketsTest {

  /** The documented formula, computed independently with BigInteger. */
  private static int reference(String rolloutId, String deviceId) {
    byte[] digest =
        TestReleases.sha256((rolloutId + ":" + deviceId).getBytes(StandardCharsets.UTF_8))
            .substring(0, 16)
            .getBytes(StandardCharsets.US_ASCII);
    return new BigInteger(new String(digest, StandardCharsets.US_ASCII), 16)
        .mod(BigInteger.valueOf(10_000))
        .intValue();
  }

  @Test
  void bucket_knownIds_matchesTheDocumentedFormula() {
    int bucket = Buckets.bucket("rollout-1", "device-1");

    assertThat(bucket).isEqualTo(reference("rollout-1", "device-1"));
  }

  @Property(tries = 500, seed = "42")
  void bucket_anyIds_isInRangeAndMatchesTheFormula(
      @ForAll String rolloutId, @ForAll String deviceId) {
    int bucket = Buckets.bucket(rolloutId, deviceId);

    assertThat(bucket).isBetween(0, Buckets.BUCKETS - 1).isEqualTo(reference(rolloutId, deviceId));
  }

  @Test
  void bucket_manyDevices_spreadsEvenlyOverTenthsOfTheRange() {
    int[] tenths = new int[10];

    for (int i = 0; i < 20_000; i++) {
      tenths[Buckets.bucket("spread", "dev-" + i) / 1000]++;
    }

    assertThat(Arrays.stream(tenths).min().orElseThrow()).isGreaterThan(1800);
    assertThat(Arrays.stream(tenths).max().orElseThrow()).isLessThan(2200);
  }

  @Test
  void bucket_sameDeviceInTwoRollouts_isIndependent() {
    long same = 0;

    for (int i = 0; i < 1000; i++) {
      same += Buckets.bucket("a", "d" + i) / 1000 == Buckets.bucket("b", "d" + i) / 1000 ? 1 : 0;
    }

    assertThat(same).isLessThan(200);
  }
}
