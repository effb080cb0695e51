package org.edgeota.agent;

import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.health.HealthVerdict;

/**
 * What one call of {@link UpdateAgent#afterBoot()} did.
 *
 * @param state the state the post-boot step ended in: {@code IDLE} (no update was pending), {@code
 *     COMMITTED}, {@code ROLLED_BACK}, {@code FAILED}, {@code TRIAL} (health passed but the commit
 *     could not be written yet; it is retried on the next call), or {@code REBOOTING}
 * @param version the version the update targeted, or {@code null}
 * @param reason the reason of a failure or rollback, or {@code null}
 * @param detail a human-readable explanation, or {@code null}
 * @param rebootRequested whether the agent asked the {@link RebootHandler} to reboot
 * @param health the health verdict when checks ran, else {@code null}
 */
public record PostBootResult(
    UpdateState state,
    String version,
    ReasonCode reason,
    String detail,
    boolean rebootRequested,
    HealthVerdict health) {}
