package org.edgeota.rollout;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The states of a rollout and the table of legal transitions between them.
 *
 * <table>
 *   <caption>Legal transitions</caption>
 *   <tr><th>from</th><th>to</th></tr>
 *   <tr><td>CREATED</td><td>RUNNING, ABORTED</td></tr>
 *   <tr><td>RUNNING</td><td>RUNNING (advance), PAUSED, COMPLETED, ABORTED, ROLLED_BACK</td></tr>
 *   <tr><td>PAUSED</td><td>RUNNING (resume), ABORTED, ROLLED_BACK</td></tr>
 *   <tr><td>COMPLETED</td><td>ROLLED_BACK</td></tr>
 *   <tr><td>ABORTED</td><td>ROLLED_BACK</td></tr>
 *   <tr><td>ROLLED_BACK</td><td>none</td></tr>
 * </table>
 */
public enum RolloutState {
  /** Defined but not started; assigns nothing. */
  CREATED,
  /** Assigning devices of the current stage. */
  RUNNING,
  /** Stopped with a reason; assigns nothing and serves nothing until resumed. */
  PAUSED,
  /** Every stage passed. */
  COMPLETED,
  /** Stopped for good; devices that did not install keep their release. */
  ABORTED,
  /** Every device that moved is assigned the rollback release. */
  ROLLED_BACK;

  private static final Map<RolloutState, Set<RolloutState>> LEGAL =
      Map.of(
          CREATED, EnumSet.of(RUNNING, ABORTED),
          RUNNING, EnumSet.of(RUNNING, PAUSED, COMPLETED, ABORTED, ROLLED_BACK),
          PAUSED, EnumSet.of(RUNNING, ABORTED, ROLLED_BACK),
          COMPLETED, EnumSet.of(ROLLED_BACK),
          ABORTED, EnumSet.of(ROLLED_BACK),
          ROLLED_BACK, EnumSet.noneOf(RolloutState.class));

  /**
   * Tells whether the table allows a transition from this state to another.
   *
   * @param to the target state
   * @return whether the transition is legal
   */
  public boolean canMoveTo(RolloutState to) {
    return LEGAL.get(this).contains(to);
  }

  /**
   * Checks a transition against the table.
   *
   * @param rolloutId the rollout, for the message
   * @param to the target state
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} naming both states when the
   *     table does not allow it
   */
  public void checkMoveTo(String rolloutId, RolloutState to) {
    if (!canMoveTo(to)) {
      throw new OtaException(
          ReasonCode.ILLEGAL_TRANSITION,
          name(),
          "rollout '"
              + rolloutId
              + "': expected a state that may move to "
              + to
              + ", found "
              + this);
    }
  }
}
