/**
 * Health checks that decide whether a newly booted release is committed or rolled back: the {@link
 * org.edgeota.health.HealthRunner} (per-check timeout, retries with delay, critical versus advisory
 * checks, overall deadline) and the default checks of {@link org.edgeota.health.HealthChecks}.
 */
package org.edgeota.health;
