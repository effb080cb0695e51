package org.edgeota.download.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgeota.download.RetryPolicy;

/**
 * A clock that moves only when told (or by a fixed step at every reading, when asked), and a
 * sleeper that moves it instead of waiting.
 */
public final class ManualClock extends Clock {
  private volatile Instant now;
  private volatile Duration stepPerReading = Duration.ZERO;
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

  /**
   * Makes every later reading move the clock forward by {@code step} first, so that deadlines and
   * intervals fall due while code runs without anyone advancing the clock.
   *
   * @param step how far each reading moves the clock
   * @return this clock
   */
  public ManualClock tickingOnEachReading(Duration step) {
    stepPerReading = step;
    return this;
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
  public synchronized Instant instant() {
    if (!stepPerReading.isZero()) {
      now = now.plus(stepPerReading);
    }
    return now;
  }
}
