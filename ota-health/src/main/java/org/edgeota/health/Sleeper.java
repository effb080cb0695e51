package org.edgeota.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The seam through which the {@link HealthRunner} waits between attempts of a check.
 *
 * <p>Tests pass a sleeper that advances a fake clock instead of waiting.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for the given span.
   *
   * @param duration how long to wait; zero or negative returns at once
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Returns a sleeper that blocks the calling thread for real.
   *
   * @return the system sleeper
   */
  static Sleeper system() {
    return duration -> {
      if (!duration.isNegative() && !duration.isZero()) {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
      }
    };
  }
}
