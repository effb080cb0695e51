package org.edgeota.rollout;

import java.time.Instant;
import java.util.Objects;
import org.edgeota.api.Version;

/**
 * A snapshot of a rollout as stored.
 *
 * @param spec what was asked for
 * @param state the current state
 * @param stageIndex the index of the current stage in {@code spec.stages()} (the last stage reached
 *     when not running)
 * @param stageStartedAt when the current stage started (or resumed), or {@code null} before start
 * @param reason why the rollout was paused, aborted or rolled back, or {@code null}
 * @param rolledBackTo the release devices are sent back to, or {@code null} unless rolled back
 * @param createdAt when the rollout was created
 * @param revision increases by one with every transition; transitions compare and set it
 */
public record Rollout(
    RolloutSpec spec,
    RolloutState state,
    int stageIndex,
    Instant stageStartedAt,
    String reason,
    Version rolledBackTo,
    Instant createdAt,
    long revision) {

  /** Checks that the required fields are present and the stage index is in range. */
  public Rollout {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    if (stageIndex < 0 || stageIndex >= spec.stages().size()) {
      throw new IllegalArgumentException("stageIndex out of range: " + stageIndex);
    }
  }

  /**
   * Returns the rollout id.
   *
   * @return {@code spec().id()}
   */
  public String id() {
    return spec.id();
  }

  /**
   * Returns the current stage.
   *
   * @return {@code spec().stages().get(stageIndex())}
   */
  public Stage stage() {
    return spec.stages().get(stageIndex);
  }

  /**
   * Returns the snapshot that follows a transition, with the revision increased by one.
   *
   * @param newState the new state
   * @param newStageIndex the new stage index
   * @param newStageStartedAt when the stage (re)started
   * @param newReason the reason, or {@code null}
   * @param newRolledBackTo the rollback release, or {@code null}
   * @return the next snapshot
   */
  public Rollout next(
      RolloutState newState,
      int newStageIndex,
      Instant newStageStartedAt,
      String newReason,
      Version newRolledBackTo) {
    return new Rollout(
        spec,
        newState,
        newStageIndex,
        newStageStartedAt,
        newReason,
        newRolledBackTo,
        createdAt,
        revision + 1);
  }
}
