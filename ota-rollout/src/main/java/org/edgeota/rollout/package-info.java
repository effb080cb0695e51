/**
 * The controller side of the SDK: staged rollouts with error thresholds, the {@link
 * org.edgeota.rollout.ControllerStore} implementations, the device and admin API handlers and the
 * Prometheus metrics.
 *
 * <p>Start with {@link org.edgeota.rollout.RolloutStores} for a store, build a {@link
 * org.edgeota.rollout.RolloutEngine} on it, and serve {@link org.edgeota.rollout.DeviceApi} and
 * {@link org.edgeota.rollout.AdminApi} over the transport of your choice.
 */
package org.edgeota.rollout;
