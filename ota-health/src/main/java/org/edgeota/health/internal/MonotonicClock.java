package org.edgeota.health.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at the wall-clock time of its creation and then advances with {@link
 * System#nanoTime()}, so a step of the system clock (NTP setting the time of a device without a
 * real-time clock, typically right after boot) neither ends a deadline early nor extends it.
 */
public final class MonotonicClock extends Clock {

  private final Instant origin;
  private final long originNanos;

  /** Creates a clock anchored at the current wall-clock time. */
  public MonotonicClock() {
    this.origin = Instant.now();
    this.originNanos = System.nanoTime();
  }

  @Override
  public Instant instant() {
    return origin.plus(Duration.ofNanos(System.nanoTime() - originNanos));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("a monotonic clock keeps UTC, asked for " + zone);
  }
}
