package org.edgeota.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.spi.RolloutStore;
import org.edgeota.api.wire.StatusReport;

/**
 * The operations of the controller's durable state: releases, devices, rollouts with their
 * transition history, assignments and status reports.
 *
 * <p>Besides the contract of {@link RolloutStore} (transitions compare and set, reports counted
 * once per id, what was acknowledged survives a crash), every implementation keeps these rules:
 *
 * <ul>
 *   <li>Counts ({@link #outcomes}, {@link #reportCounts}) are derived from stored rows, never kept
 *       as counters, so two controller instances cannot count the same report twice.
 *   <li>{@link #assign} inserts only while the rollout is still running at the revision the caller
 *       read, so an assignment never slips in after a pause or an abort.
 *   <li>Instants are stored with millisecond precision.
 * </ul>
 *
 * <p>Every method throws {@link org.edgeota.api.OtaException} with {@code STORE_ERROR} when the
 * underlying storage fails; that is not repeated on each method.
 */
public interface ControllerStore extends RolloutStore {

  /**
   * Stores an accepted release.
   *
   * @param release the release
   * @return {@code true} when stored, {@code false} when the same manifest was stored already
   * @throws org.edgeota.api.OtaException with {@code CONFLICT} when another manifest has the
   *     version
   */
  boolean putRelease(ReleaseRecord release);

  /**
   * Returns a release.
   *
   * @param version the version
   * @return the release, or empty
   */
  Optional<ReleaseRecord> release(Version version);

  /**
   * Returns every release, ordered by sequence.
   *
   * @return the releases
   */
  List<ReleaseRecord> releases();

  /**
   * Registers a device with the hash of its token.
   *
   * @param deviceId the device id
   * @param tokenHash lower-case hex SHA-256 of the token
   * @param at when
   * @throws org.edgeota.api.OtaException with {@code CONFLICT} when the device exists
   */
  void registerDevice(String deviceId, String tokenHash, Instant at);

  /**
   * Returns a device.
   *
   * @param deviceId the device id
   * @return the device, or empty
   */
  Optional<DeviceRecord> device(String deviceId);

  /**
   * Returns every device, ordered by id.
   *
   * @return the devices
   */
  List<DeviceRecord> devices();

  /**
   * Records what a device said about itself at a check-in.
   *
   * @param info type, tags and versions
   * @param seenAt when the device checked in
   * @throws org.edgeota.api.OtaException with {@code DEVICE_NOT_FOUND} when it is not registered
   */
  void updateDeviceInfo(DeviceInfo info, Instant seenAt);

  /**
   * Records when devices were last seen, in one batch; unknown devices are ignored and an older
   * instant never replaces a newer one.
   *
   * @param lastSeen device id to instant
   */
  void recordLastSeen(Map<String, Instant> lastSeen);

  /**
   * Stores a new rollout and its first history entry.
   *
   * @param rollout the rollout, in revision 0
   * @throws org.edgeota.api.OtaException with {@code CONFLICT} when the id exists
   */
  void createRollout(Rollout rollout);

  /**
   * Returns a rollout.
   *
   * @param rolloutId the id
   * @return the rollout, or empty
   */
  Optional<Rollout> rollout(String rolloutId);

  /**
   * Returns every rollout, ordered by creation time then id.
   *
   * @return the rollouts
   */
  List<Rollout> rollouts();

  /**
   * Returns the rollouts in the given states, ordered by creation time then id.
   *
   * @param states the states to include
   * @return the rollouts
   */
  default List<Rollout> rollouts(Set<RolloutState> states) {
    return rollouts().stream().filter(r -> states.contains(r.state())).toList();
  }

  /**
   * Replaces a rollout if it is still at the expected revision, and appends the history entry.
   *
   * @param expected the snapshot the caller read
   * @param next the new snapshot, with {@code revision == expected.revision() + 1}
   * @param at when the transition happens
   * @return {@code true} when applied, {@code false} when another writer moved the rollout first
   */
  boolean compareAndSet(Rollout expected, Rollout next, Instant at);

  /**
   * Returns a rollout's transitions in revision order.
   *
   * @param rolloutId the id
   * @return the history, empty for an unknown rollout
   */
  List<RolloutEvent> history(String rolloutId);

  /**
   * Inserts an assignment if none exists for the device and the rollout is still running at the
   * expected revision.
   *
   * @param assignment the assignment
   * @param expectedRevision the rollout revision the caller based its decision on
   * @return {@code true} when inserted
   */
  boolean assign(Assignment assignment, long expectedRevision);

  /**
   * Returns an assignment.
   *
   * @param rolloutId the rollout
   * @param deviceId the device
   * @return the assignment, or empty
   */
  Optional<Assignment> assignment(String rolloutId, String deviceId);

  /**
   * Returns a rollout's assignments, ordered by device id.
   *
   * @param rolloutId the rollout
   * @return the assignments, cancelled ones included
   */
  List<Assignment> assignments(String rolloutId);

  /**
   * Marks a device's assignment as cancelled; when the device has none, stores a cancelled
   * placeholder (stage index {@code -1}) so that it is never assigned later.
   *
   * @param rolloutId the rollout
   * @param deviceId the device
   * @param at when
   * @return {@code true} when an assignment existed and was not cancelled before
   */
  boolean cancelAssignment(String rolloutId, String deviceId, Instant at);

  /**
   * Returns a rollout's outcome counts, over assignments that are not cancelled.
   *
   * @param rolloutId the rollout
   * @return the counts
   */
  OutcomeCounts outcomes(String rolloutId);

  /**
   * Records a status report once per report id, atomically with its effects: the device's last
   * state (when the report is newer) and, when {@code countsAsOutcome}, the outcome of the device's
   * assignment in the report's rollout (when the report is newer than the stored outcome).
   *
   * <p>The report is stored as an <em>assignment outcome</em> (see {@link
   * #assignmentOutcomeCounts()}) when {@code countsAsOutcome} and, at that moment, the device holds
   * an assignment of the report's rollout that was made by a stage (stage index {@code >= 0}) and
   * is not cancelled. That mark is fixed when the report is stored. A report naming an unknown
   * rollout, or a rollout the device was not assigned, is stored all the same.
   *
   * <p>A report id received again with the same device, rollout, version, state and reason is a
   * duplicate ({@code false}); with any of them different it is refused, and the stored report
   * stays as it was.
   *
   * @param report the report
   * @param countsAsOutcome whether the report is a terminal outcome of the rollout's release
   * @param receivedAt when the controller received it
   * @return {@code true} when the report id was new, {@code false} for a duplicate
   * @throws org.edgeota.api.OtaException with {@code CONFLICT} naming the report id when it was
   *     stored with another body
   */
  boolean recordReport(StatusReport report, boolean countsAsOutcome, Instant receivedAt);

  /**
   * Returns how many distinct reports were received per state.
   *
   * @return state to count; states without reports are absent
   */
  Map<UpdateState, Long> reportCounts();

  /**
   * Returns how many distinct reports were stored as outcomes of an assignment, per state (see
   * {@link #recordReport}).
   *
   * @return state to count; states without such reports are absent
   */
  Map<UpdateState, Long> assignmentOutcomeCounts();
}
