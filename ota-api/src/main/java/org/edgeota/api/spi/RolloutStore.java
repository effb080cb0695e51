package org.edgeota.api.spi;

/**
 * Durable state of the controller: releases, devices, rollouts, and counted status reports.
 *
 * <p>Contract every implementation keeps:
 *
 * <ul>
 *   <li>Every state transition of a rollout is a compare-and-set: it succeeds only from the state
 *       the caller read, so two controller instances never apply conflicting transitions; the loser
 *       gets {@code CONFLICT}.
 *   <li>A status report is counted at most once per report id, across instances.
 *   <li>What a call returned as written survives a crash of the controller.
 * </ul>
 *
 * <p>The operations live in the controller module's store interface, which extends this marker so
 * that vendors can find every SPI in one package.
 */
public interface RolloutStore extends AutoCloseable {

  /**
   * Releases the store's resources (connections, file handles).
   *
   * @throws org.edgeota.api.OtaException with {@code STORE_ERROR} when closing fails
   */
  @Override
  void close();
}
