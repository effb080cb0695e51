package org.edgeota.api;

/**
 * The states of a device's update cycle.
 *
 * <p>The legal transitions between them are owned by the agent's state machine; this enum only
 * names the states and says which of them end a cycle.
 */
public enum UpdateState {
  /** No update in progress. */
  IDLE,
  /** Asking the controller whether an update is assigned. */
  CHECKING,
  /** Fetching payloads. */
  DOWNLOADING,
  /** Checking payload sizes and digests against the signed manifest. */
  VERIFYING,
  /** Writing components into the inactive slot and staging areas. */
  INSTALLING,
  /** Boot environment prepared for a trial boot; reboot requested. */
  REBOOTING,
  /** Booted into the new slot on trial; health checks pending. */
  TRIAL,
  /** The new release passed its checks and is committed. */
  COMMITTED,
  /** The update was abandoned before the new release ran; the old release keeps running. */
  FAILED,
  /** The new release ran but was rolled back to the previous slot. */
  ROLLED_BACK;

  /**
   * Tells whether this state ends an update cycle.
   *
   * @return {@code true} for {@link #COMMITTED}, {@link #FAILED} and {@link #ROLLED_BACK}
   */
  public boolean isTerminal() {
    return this == COMMITTED || this == FAILED || this == ROLLED_BACK;
  }
}
