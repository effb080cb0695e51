package org.edgeota.rollout;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link RolloutEngine#tick()} periodically on an injected executor, so soak times and
 * thresholds are judged even when no report arrives. A failing tick is logged and the schedule
 * continues. Closing stops the schedule; the executor belongs to the caller and is not shut down.
 */
public final class RolloutScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutScheduler.class);

  private final ScheduledFuture<?> future;

  private RolloutScheduler(ScheduledFuture<?> future) {
    this.future = future;
  }

  /**
   * Starts ticking.
   *
   * @param engine the engine to tick
   * @param executor the executor that runs the ticks
   * @param period the time between ticks
   * @return the running scheduler
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the period is not positive
   */
  public static RolloutScheduler start(
      RolloutEngine engine, ScheduledExecutorService executor, Duration period) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(executor, "executor");
    if (period == null || period.isZero() || period.isNegative()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(period),
          "period: expected a positive duration, found " + period);
    }
    Runnable tick =
        () -> {
          try {
            engine.tick();
          } catch (RuntimeException e) {
            LOG.warn("rollout tick failed, the next tick retries", e);
          }
        };
    long millis = Math.max(1, period.toMillis());
    return new RolloutScheduler(
        executor.scheduleWithFixedDelay(tick, millis, millis, TimeUnit.MILLISECONDS));
  }

  /** Stops the schedule; a tick already running finishes. */
  @Override
  public void close() {
    future.cancel(false);
  }
}
