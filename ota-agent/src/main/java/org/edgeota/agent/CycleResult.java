package org.edgeota.agent;

import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;

/**
 * What one call of {@link UpdateAgent#runCycle()} did.
 *
 * @param state the state the cycle ended in: {@code IDLE} (nothing to do, or the controller could
 *     not be reached), {@code DOWNLOADING} (the download was interrupted by a transient failure and
 *     resumes on the next call), {@code REBOOTING} (a trial reboot was requested), {@code TRIAL} (a
 *     commit is pending), or an outcome {@code COMMITTED}, {@code FAILED}, {@code ROLLED_BACK}
 * @param version the version the update targeted, or {@code null} when there was none
 * @param reason why the update failed or the check-in was not possible, or {@code null}
 * @param detail a human-readable explanation, or {@code null}
 * @param rebootRequested whether the agent asked the {@link RebootHandler} to reboot; the caller of
 *     a simulation powers the device on again
 */
public record CycleResult(
    UpdateState state, String version, ReasonCode reason, String detail, boolean rebootRequested) {}
