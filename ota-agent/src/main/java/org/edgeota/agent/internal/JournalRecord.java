package org.edgeota.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;

/**
 * One durable record of the agent: the state of the current update and the device facts that
 * outlive updates.
 *
 * @param state the state the agent announced last
 * @param revision increases with every write, for diagnostics
 * @param updateId the id of the current update, or {@code null} when idle
 * @param rolloutId the rollout that assigned the update, or {@code null}
 * @param manifest the signed manifest text of the update, or {@code null}
 * @param artifactUrls file name to URL of the update's artifacts
 * @param targetVersion the version being installed, or {@code null}
 * @param targetSequence the sequence being installed, or 0
 * @param sourceSlot the slot the update started from, or {@code null}
 * @param targetSlot the inactive slot being written, or {@code null}
 * @param startedComponents names of components whose install was started, in order
 * @param envPrepared whether the trial boot was written to the boot environment
 * @param rebootAttempts how often a trial reboot was requested for this update
 * @param reason the reason code name of a failure, or {@code null}
 * @param detail detail of the outcome, or {@code null}
 * @param highestAcceptedSequence the highest release sequence committed on this device
 * @param committedVersion the version of the committed release
 * @param rolledBackSequence the sequence of the last release rolled back after a trial, or 0
 * @param firmwareImageSize the byte size of the committed firmware image, or 0 when unknown
 * @param updatedAtMillis when the record was written, epoch milliseconds of the agent's clock
 */
public record JournalRecord(
    UpdateState state,
    long revision,
    String updateId,
    String rolloutId,
    String manifest,
    Map<String, String> artifactUrls,
    String targetVersion,
    long targetSequence,
    Slot sourceSlot,
    Slot targetSlot,
    List<String> startedComponents,
    boolean envPrepared,
    int rebootAttempts,
    String reason,
    String detail,
    long highestAcceptedSequence,
    String committedVersion,
    long rolledBackSequence,
    long firmwareImageSize,
    long updatedAtMillis) {

  /** Checks the required fields and copies the collections. */
  public JournalRecord {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(committedVersion, "committedVersion");
    artifactUrls = artifactUrls == null ? Map.of() : Map.copyOf(artifactUrls);
    startedComponents = startedComponents == null ? List.of() : List.copyOf(startedComponents);
  }

  /**
   * Returns the record of a device that has never run an update.
   *
   * @param committedVersion the version installed at the factory
   * @param highestAcceptedSequence the sequence floor installed at the factory
   * @return an idle record
   */
  public static JournalRecord initial(String committedVersion, long highestAcceptedSequence) {
    return new JournalRecord(
        UpdateState.IDLE,
        0,
        null,
        null,
        null,
        Map.of(),
        null,
        0,
        null,
        null,
        List.of(),
        false,
        0,
        null,
        null,
        highestAcceptedSequence,
        committedVersion,
        0,
        0,
        0);
  }

  /**
   * Returns a copy in another state, keeping the update's fields.
   *
   * @param next the new state
   * @return the copy
   */
  public JournalRecord withState(UpdateState next) {
    return new Builder(this).state(next).build();
  }

  /**
   * Returns a builder initialised from this record.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable copy of a record. */
  public static final class Builder {
    private UpdateState state;
    private long revision;
    private String updateId;
    private String rolloutId;
    private String manifest;
    private Map<String, String> artifactUrls;
    private String targetVersion;
    private long targetSequence;
    private Slot sourceSlot;
    private Slot targetSlot;
    private List<String> startedComponents;
    private boolean envPrepared;
    private int rebootAttempts;
    private String reason;
    private String detail;
    private long highestAcceptedSequence;
    private String committedVersion;
    private long rolledBackSequence;
    private long firmwareImageSize;
    private long updatedAtMillis;

    Builder(JournalRecord r) {
      state = r.state;
      revision = r.revision;
      updateId = r.updateId;
      rolloutId = r.rolloutId;
      manifest = r.manifest;
      artifactUrls = r.artifactUrls;
      targetVersion = r.targetVersion;
      targetSequence = r.targetSequence;
      sourceSlot = r.sourceSlot;
      targetSlot = r.targetSlot;
      startedComponents = new ArrayList<>(r.startedComponents);
      envPrepared = r.envPrepared;
      rebootAttempts = r.rebootAttempts;
      reason = r.reason;
      detail = r.detail;
      highestAcceptedSequence = r.highestAcceptedSequence;
      committedVersion = r.committedVersion;
      rolledBackSequence = r.rolledBackSequence;
      firmwareImageSize = r.firmwareImageSize;
      updatedAtMillis = r.updatedAtMillis;
    }

    /**
     * Sets the state.
     *
     * @param v the state
     * @return this builder
     */
    public Builder state(UpdateState v) {
      state = v;
      return this;
    }

    /**
     * Sets the revision.
     *
     * @param v the revision
     * @return this builder
     */
    public Builder revision(long v) {
      revision = v;
      return this;
    }

    /**
     * Sets the update id.
     *
     * @param v the id
     * @return this builder
     */
    public Builder updateId(String v) {
      updateId = v;
      return this;
    }

    /**
     * Sets the rollout id.
     *
     * @param v the id
     * @return this builder
     */
    public Builder rolloutId(String v) {
      rolloutId = v;
      return this;
    }

    /**
     * Sets the manifest text.
     *
     * @param v the manifest
     * @return this builder
     */
    public Builder manifest(String v) {
      manifest = v;
      return this;
    }

    /**
     * Sets the artifact URLs.
     *
     * @param v file name to URL
     * @return this builder
     */
    public Builder artifactUrls(Map<String, String> v) {
      artifactUrls = v;
      return this;
    }

    /**
     * Sets the target version.
     *
     * @param v the version text
     * @return this builder
     */
    public Builder targetVersion(String v) {
      targetVersion = v;
      return this;
    }

    /**
     * Sets the target sequence.
     *
     * @param v the sequence
     * @return this builder
     */
    public Builder targetSequence(long v) {
      targetSequence = v;
      return this;
    }

    /**
     * Sets the source slot.
     *
     * @param v the slot
     * @return this builder
     */
    public Builder sourceSlot(Slot v) {
      sourceSlot = v;
      return this;
    }

    /**
     * Sets the target slot.
     *
     * @param v the slot
     * @return this builder
     */
    public Builder targetSlot(Slot v) {
      targetSlot = v;
      return this;
    }

    /**
     * Adds a started component.
     *
     * @param name the component name
     * @return this builder
     */
    public Builder componentStarted(String name) {
      if (!startedComponents.contains(name)) {
        startedComponents.add(name);
      }
      return this;
    }

    /**
     * Clears the started components.
     *
     * @return this builder
     */
    public Builder clearStartedComponents() {
      startedComponents = new ArrayList<>();
      return this;
    }

    /**
     * Sets whether the trial boot was prepared.
     *
     * @param v the flag
     * @return this builder
     */
    public Builder envPrepared(boolean v) {
      envPrepared = v;
      return this;
    }

    /**
     * Sets the reboot attempt count.
     *
     * @param v the count
     * @return this builder
     */
    public Builder rebootAttempts(int v) {
      rebootAttempts = v;
      return this;
    }

    /**
     * Sets the failure reason and detail.
     *
     * @param reasonName the reason code name, or {@code null}
     * @param detailText the detail, or {@code null}
     * @return this builder
     */
    public Builder outcome(String reasonName, String detailText) {
      reason = reasonName;
      detail = detailText;
      return this;
    }

    /**
     * Sets the highest accepted sequence.
     *
     * @param v the sequence
     * @return this builder
     */
    public Builder highestAcceptedSequence(long v) {
      highestAcceptedSequence = v;
      return this;
    }

    /**
     * Sets the committed version.
     *
     * @param v the version text
     * @return this builder
     */
    public Builder committedVersion(String v) {
      committedVersion = v;
      return this;
    }

    /**
     * Sets the sequence of the release last rolled back.
     *
     * @param v the sequence
     * @return this builder
     */
    public Builder rolledBackSequence(long v) {
      rolledBackSequence = v;
      return this;
    }

    /**
     * Sets the committed firmware image size.
     *
     * @param v the size in bytes, or 0 when unknown
     * @return this builder
     */
    public Builder firmwareImageSize(long v) {
      firmwareImageSize = v;
      return this;
    }

    /**
     * Sets the write time.
     *
     * @param v epoch milliseconds
     * @return this builder
     */
    public Builder updatedAtMillis(long v) {
      updatedAtMillis = v;
      return this;
    }

    /**
     * Clears every field of the finished update, keeping the device facts.
     *
     * @return this builder
     */
    public Builder clearUpdate() {
      updateId = null;
      rolloutId = null;
      manifest = null;
      artifactUrls = Map.of();
      targetVersion = null;
      targetSequence = 0;
      sourceSlot = null;
      targetSlot = null;
      startedComponents = new ArrayList<>();
      envPrepared = false;
      rebootAttempts = 0;
      reason = null;
      detail = null;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the record
     */
    public JournalRecord build() {
      return new JournalRecord(
          state,
          revision,
          updateId,
          rolloutId,
          manifest,
          artifactUrls,
          targetVersion,
          targetSequence,
          sourceSlot,
          targetSlot,
          startedComponents,
          envPrepared,
          rebootAttempts,
          reason,
          detail,
          highestAcceptedSequence,
          committedVersion,
          rolledBackSequence,
          firmwareImageSize,
          updatedAtMillis);
    }
  }
}
