package org.edgeota.rollout;

import java.time.Instant;

/**
 * One entry of a rollout's transition history; there is exactly one per revision.
 *
 * @param rolloutId the rollout
 * @param revision the revision the transition produced
 * @param state the state entered
 * @param stageIndex the stage index entered
 * @param reason the reason given, or {@code null}
 * @param at when the transition happened
 */
public record RolloutEvent(
    String rolloutId,
    long revision,
    RolloutState state,
    int stageIndex,
    String reason,
    Instant at) {}
