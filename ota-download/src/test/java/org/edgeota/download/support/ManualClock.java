package org.edgeota.download.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgeota.download.RetryPolicy;

/** A clock that moves only when told, and a sleeper that moves it instead of waiting. */
public final class ManualClock extends Clock {
  private volatile Instant now;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  /**
   * Creates a clock at the given instant.
   *
   * @param start the first reading
   */
  public ManualClock(Instant start) {
    this.now = start;
  }

  /** Returns a clock at 2026-12-04T12:00:00Z. */
  public static ManualClock atNoon() {
    return new ManualClock(Instant.parse("2026-12-04T12:00:00Z"));
  }

  /** Moves the clock forward. */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Returns a sleeper that records each wait and advances this clock by it. */
  public RetryPolicy.Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      advance(d);
    };
  }

  /** Returns the waits recorded by {@link #sleeper()}. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
