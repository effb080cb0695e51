package org.edgeota.agent;

import static org.edgeota.api.UpdateState.CHECKING;
import static org.edgeota.api.UpdateState.COMMITTED;
import static org.edgeota.api.UpdateState.DOWNLOADING;
import static org.edgeota.api.UpdateState.FAILED;
import static org.edgeota.api.UpdateState.IDLE;
import static org.edgeota.api.UpdateState.INSTALLING;
import static org.edgeota.api.UpdateState.REBOOTING;
import static org.edgeota.api.UpdateState.ROLLED_BACK;
import static org.edgeota.api.UpdateState.TRIAL;
import static org.edgeota.api.UpdateState.VERIFYING;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;

/**
 * The table of legal transitions of the agent's update cycle.
 *
 * <p>The forward path is {@code IDLE → CHECKING → DOWNLOADING → VERIFYING → INSTALLING → REBOOTING
 * → TRIAL → COMMITTED}. Every step between {@code CHECKING} and {@code TRIAL} may end in {@code
 * FAILED} or {@code ROLLED_BACK}. Besides the forward path:
 *
 * <ul>
 *   <li>{@code CHECKING → IDLE}: no update assigned, or the controller could not be reached;
 *   <li>{@code INSTALLING → TRIAL}: a release that needs no reboot is health-checked in place;
 *   <li>{@code COMMITTED}, {@code FAILED}, {@code ROLLED_BACK → IDLE}: the outcome was handed to
 *       the status outbox and the next cycle may start.
 * </ul>
 *
 * <p>Every other pair, including a state to itself, is illegal.
 */
public final class Transitions {
  private static final Map<UpdateState, Set<UpdateState>> TABLE = table();

  private Transitions() {}

  private static Map<UpdateState, Set<UpdateState>> table() {
    Map<UpdateState, Set<UpdateState>> t = new EnumMap<>(UpdateState.class);
    t.put(IDLE, EnumSet.of(CHECKING));
    t.put(CHECKING, EnumSet.of(DOWNLOADING, IDLE, FAILED, ROLLED_BACK));
    t.put(DOWNLOADING, EnumSet.of(VERIFYING, FAILED, ROLLED_BACK));
    t.put(VERIFYING, EnumSet.of(INSTALLING, FAILED, ROLLED_BACK));
    t.put(INSTALLING, EnumSet.of(REBOOTING, TRIAL, FAILED, ROLLED_BACK));
    t.put(REBOOTING, EnumSet.of(TRIAL, FAILED, ROLLED_BACK));
    t.put(TRIAL, EnumSet.of(COMMITTED, FAILED, ROLLED_BACK));
    t.put(COMMITTED, EnumSet.of(IDLE));
    t.put(FAILED, EnumSet.of(IDLE));
    t.put(ROLLED_BACK, EnumSet.of(IDLE));
    Map<UpdateState, Set<UpdateState>> frozen = new EnumMap<>(UpdateState.class);
    t.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(v)));
    return Collections.unmodifiableMap(frozen);
  }

  /**
   * Tells whether the table allows a transition.
   *
   * @param from the current state
   * @param to the next state
   * @return {@code true} when the transition is legal
   */
  public static boolean allowed(UpdateState from, UpdateState to) {
    return TABLE.get(from).contains(to);
  }

  /**
   * Returns the states reachable in one transition.
   *
   * @param from the current state
   * @return the legal next states; unmodifiable
   */
  public static Set<UpdateState> successors(UpdateState from) {
    return TABLE.get(from);
  }

  /**
   * Checks a transition against the table.
   *
   * @param from the current state
   * @param to the next state
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} naming both states when the
   *     table does not allow the transition
   */
  public static void check(UpdateState from, UpdateState to) {
    if (!allowed(from, to)) {
      throw new OtaException(
          ReasonCode.ILLEGAL_TRANSITION,
          from + "->" + to,
          "transition from "
              + from
              + " to "
              + to
              + ": expected one of "
              + successors(from)
              + ", found "
              + to);
    }
  }
}
