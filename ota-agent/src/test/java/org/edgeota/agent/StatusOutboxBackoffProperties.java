package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.edgeota.partition.FileTrees;

/** Properties of the outbox's jittered backoff, for any attempt number and any seed. */
class StatusOutboxBackoffProperties {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

  private static Path dir;

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("outbox-backoff");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    FileTrees.deleteRecursively(dir);
  }

  @Property(seed = "20261204", tries = 500)
  void backoff_anyAttempt_liesBetweenHalfTheNominalDelayAndTheCap(
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int attempts,
      @ForAll @LongRange(min = 1, max = 120_000) long initialMillis,
      @ForAll @IntRange(min = 1, max = 10_000) int capFactor,
      @ForAll long seed) {
    Duration initial = Duration.ofMillis(initialMillis);
    Duration cap = initial.multipliedBy(capFactor);
    StatusOutbox outbox = StatusOutbox.open(dir, CLOCK, initial, cap, new SplittableRandom(seed));
    long nominal = expectedNominalMillis(initialMillis, cap.toMillis(), attempts);

    Duration delay = outbox.backoff(attempts);

    assertThat(delay.toMillis()).isBetween(nominal / 2, nominal);
    assertThat(delay).isLessThanOrEqualTo(cap);
    assertThat(delay.toMillis()).isGreaterThanOrEqualTo(initialMillis / 2);
  }

  @Property(seed = "4417", tries = 200)
  void backoff_sameSeed_drawsTheSameDelay(
      @ForAll @IntRange(min = 1, max = 64) int attempts, @ForAll long seed) {
    Duration initial = Duration.ofSeconds(1);
    Duration cap = Duration.ofHours(1);

    Duration first =
        StatusOutbox.open(dir, CLOCK, initial, cap, new SplittableRandom(seed)).backoff(attempts);
    Duration second =
        StatusOutbox.open(dir, CLOCK, initial, cap, new SplittableRandom(seed)).backoff(attempts);

    assertThat(first).isEqualTo(second);
  }

  /** The nominal delay computed independently: initial × 2^(attempts − 1), capped. */
  private static long expectedNominalMillis(long initialMillis, long capMillis, int attempts) {
    BigInteger doubled = BigInteger.valueOf(initialMillis).shiftLeft(Math.min(attempts - 1, 64));
    return doubled.min(BigInteger.valueOf(capMillis)).longValueExact();
  }
}
