package org.edgeota.rollout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.internal.Judge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout controller's engine: creates rollouts and moves them through {@link RolloutState}s,
 * decides which device gets which release, ingests status reports and judges thresholds.
 *
 * <p>Design notes. All state lives in the {@link ControllerStore}; the engine keeps only a cache of
 * immutable releases and a buffer of last-seen times, so several engines (one per controller
 * instance) can share one PostgreSQL store. Every transition is read, decide, compare-and-set; when
 * another engine moved the rollout first, the engine reads it again and decides again, so two
 * instances never apply conflicting transitions. Thresholds are judged when an outcome report
 * arrives and on every {@link #tick()} (see {@link RolloutScheduler}), with the rules documented in
 * {@code docs/rollouts.md}: the error check runs before any advance, a rate strictly above the
 * threshold breaches, an empty stage requires no reports.
 *
 * <p>Membership: a device belongs to the current stage when its {@link Buckets#bucket} is below the
 * stage's cutoff; it is assigned when it checks in while the rollout runs. A paused, aborted or
 * completed rollout assigns nobody new, and a paused or aborted one offers nothing (not even to
 * devices already assigned, whose downloads are refused as well).
 */
public final class RolloutEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);
  private static final int CAS_ATTEMPTS = 16;
  private static final String BREACH_PREFIX = "error rate";
  private static final Set<RolloutState> OFFERING =
      java.util.EnumSet.of(RolloutState.RUNNING, RolloutState.ROLLED_BACK);

  private final ControllerStore store;
  private final Clock clock;
  private final ReleaseVerifier verifier;
  private final Map<Version, ReleaseRecord> releaseCache = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();

  /**
   * Creates an engine that cannot accept new releases (they are added by another instance).
   *
   * @param store the store
   * @param clock the time source
   */
  public RolloutEngine(ControllerStore store, Clock clock) {
    this(store, clock, null);
  }

  /**
   * Creates an engine.
   *
   * @param store the store
   * @param clock the time source
   * @param verifier verifies releases before they are accepted, or {@code null} to refuse every new
   *     release
   */
  public RolloutEngine(ControllerStore store, Clock clock, ReleaseVerifier verifier) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verifier = verifier;
  }

  /**
   * Returns the store.
   *
   * @return the store this engine works on
   */
  public ControllerStore store() {
    return store;
  }

  /**
   * Returns the current time of the engine's clock, to the millisecond.
   *
   * @return now
   */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  // ---------------------------------------------------------------- releases

  /**
   * Accepts a release directory holding {@code manifest.json} and the files it names.
   *
   * @param directory the release directory
   * @return the accepted release
   * @throws OtaException with {@link ReasonCode#RELEASE_REJECTED} when there is no verifier, a file
   *     is missing or differs from the manifest, a signature or manifest reason code when the
   *     verifier rejects it, {@link ReasonCode#IO_ERROR} when the manifest cannot be read, {@link
   *     ReasonCode#CONFLICT} when another manifest has the same version
   */
  public ReleaseRecord addRelease(Path directory) {
    Path manifest = directory.resolve("manifest.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(manifest);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          manifest.toString(),
          "release directory: expected a readable manifest.json, found " + e,
          e);
    }
    return addRelease(bytes, directory);
  }

  /**
   * Accepts a release given as manifest bytes and the directory holding its files. The manifest is
   * verified first; then every file it names must exist with the stated size and SHA-256.
   *
   * @param signedManifest the manifest exactly as signed
   * @param artifactDirectory the directory holding the payload and delta files
   * @return the accepted release
   * @throws OtaException as for {@link #addRelease(Path)}
   */
  public ReleaseRecord addRelease(byte[] signedManifest, Path artifactDirectory) {
    if (verifier == null) {
      throw new OtaException(
          ReasonCode.RELEASE_REJECTED,
          null,
          "release: expected a configured release verifier (trust store), found none");
    }
    Release release;
    try {
      release = verifier.verify(signedManifest.clone());
    } catch (OtaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new OtaException(
          ReasonCode.RELEASE_REJECTED,
          null,
          "release: expected the verifier to verify or reject the manifest, found it threw " + e,
          e);
    }
    if (release == null) {
      throw new OtaException(
          ReasonCode.RELEASE_REJECTED, null, "release: the verifier returned no content");
    }
    String text = strictUtf8(signedManifest);
    List<String> files = new ArrayList<>();
    for (Component c : release.components()) {
      checkArtifact(artifactDirectory, c.file(), c.size(), c.sha256());
      files.add(c.file());
      for (DeltaArtifact d : c.deltas()) {
        checkArtifact(artifactDirectory, d.file(), d.size(), d.sha256());
        files.add(d.file());
      }
    }
    ReleaseRecord record =
        new ReleaseRecord(
            release.version(),
            release.sequence(),
            release.downgrade(),
            release.targetDeviceTypes(),
            List.copyOf(new LinkedHashSet<>(files)),
            text,
            artifactDirectory.toAbsolutePath().normalize(),
            now());
    if (store.putRelease(record)) {
      LOG.info("release {} (sequence {}) accepted", record.version(), record.sequence());
    }
    return store.release(record.version()).orElse(record);
  }

  /**
   * Returns a release, from a cache of the (immutable) stored releases.
   *
   * @param version the version
   * @return the release
   * @throws OtaException with {@link ReasonCode#RELEASE_NOT_FOUND} when unknown
   */
  public ReleaseRecord release(Version version) {
    ReleaseRecord cached = releaseCache.get(version);
    if (cached != null) {
      return cached;
    }
    ReleaseRecord found =
        store
            .release(version)
            .orElseThrow(
                () ->
                    new OtaException(
                        ReasonCode.RELEASE_NOT_FOUND,
                        version.toString(),
                        "release: expected an accepted release " + version + ", found none"));
    releaseCache.put(version, found);
    return found;
  }

  private static void checkArtifact(Path dir, String file, long size, String sha256) {
    if (file.isEmpty()
        || file.equals(".")
        || file.equals("..")
        || file.contains("/")
        || file.contains("\\")) {
      throw rejected(file, "file name '" + file + "': expected a plain file name");
    }
    Path path = dir.resolve(file);
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw rejected(file, "file '" + file + "': expected a regular file, found none");
    }
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    long actual = 0;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        actual += n;
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file, "file '" + file + "': expected readable, found " + e, e);
    }
    if (actual != size) {
      throw rejected(
          file, "file '" + file + "': expected " + size + " bytes, found " + actual + " bytes");
    }
    String hex = HexFormat.of().formatHex(digest.digest());
    if (!hex.equalsIgnoreCase(sha256)) {
      throw rejected(file, "file '" + file + "': expected sha256 " + sha256 + ", found " + hex);
    }
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw rejected(null, "manifest: expected UTF-8 text, found malformed bytes");
    }
  }

  private static OtaException rejected(String value, String message) {
    return new OtaException(ReasonCode.RELEASE_REJECTED, value, message);
  }

  // ---------------------------------------------------------------- rollouts

  /**
   * Creates a rollout in state {@link RolloutState#CREATED}.
   *
   * @param spec the definition
   * @return the stored rollout
   * @throws OtaException with {@link ReasonCode#RELEASE_NOT_FOUND} when the release or rollback
   *     release is unknown, {@link ReasonCode#ROLLOUT_CONFIG_INVALID} when the rollback release is
   *     not a signed downgrade with a higher sequence, {@link ReasonCode#CONFLICT} when the id
   *     exists
   */
  public Rollout create(RolloutSpec spec) {
    ReleaseRecord release = release(spec.release());
    if (spec.rollbackRelease() != null) {
      checkRollbackRelease(spec.id(), release, spec.rollbackRelease());
    }
    Rollout rollout = new Rollout(spec, RolloutState.CREATED, 0, null, null, null, now(), 0);
    store.createRollout(rollout);
    LOG.info("rollout {} created for release {}", spec.id(), spec.release());
    return rollout;
  }

  /**
   * Returns a rollout.
   *
   * @param rolloutId the id
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#ROLLOUT_NOT_FOUND} when unknown
   */
  public Rollout rollout(String rolloutId) {
    return store
        .rollout(rolloutId)
        .orElseThrow(
            () ->
                new OtaException(
                    ReasonCode.ROLLOUT_NOT_FOUND,
                    rolloutId,
                    "rollout '" + rolloutId + "': expected an existing rollout, found none"));
  }

  /**
   * Starts a created rollout at its first stage.
   *
   * @param rolloutId the id
   * @return the running rollout
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} unless it is created, {@link
   *     ReasonCode#ROLLOUT_NOT_FOUND} when unknown
   */
  public Rollout start(String rolloutId) {
    return transition(
        rolloutId,
        r -> {
          if (r.state() != RolloutState.CREATED) {
            throw illegal(r, RolloutState.RUNNING);
          }
          return Optional.of(r.next(RolloutState.RUNNING, 0, now(), null, null));
        });
  }

  /**
   * Pauses a running rollout; pausing a paused rollout changes nothing (its first reason stays).
   *
   * @param rolloutId the id
   * @param reason why
   * @return the paused rollout
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} unless running or paused
   */
  public Rollout pause(String rolloutId, String reason) {
    return transition(
        rolloutId,
        r -> {
          if (r.state() == RolloutState.PAUSED) {
            return Optional.empty();
          }
          r.state().checkMoveTo(r.id(), RolloutState.PAUSED);
          return Optional.of(
              r.next(RolloutState.PAUSED, r.stageIndex(), r.stageStartedAt(), reason, null));
        });
  }

  /**
   * Resumes a paused rollout at its stage; the stage's soak time starts again. Resuming a running
   * rollout changes nothing.
   *
   * <p>Note: resuming does not forget the reports that caused a breach: the rollout is judged at
   * once and pauses again while its error rate stays above the threshold. Cancel the rollout for
   * the failed devices ({@link #cancelForDevice}) or roll back instead.
   *
   * @param rolloutId the id
   * @return the running rollout
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} unless paused or running
   */
  public Rollout resume(String rolloutId) {
    Rollout resumed =
        transition(
            rolloutId,
            r -> {
              if (r.state() == RolloutState.RUNNING) {
                return Optional.empty();
              }
              if (r.state() != RolloutState.PAUSED) {
                throw illegal(r, RolloutState.RUNNING);
              }
              return Optional.of(r.next(RolloutState.RUNNING, r.stageIndex(), now(), null, null));
            });
    return resumed.state() == RolloutState.RUNNING ? evaluate(rolloutId) : resumed;
  }

  /**
   * Aborts a rollout; aborting an aborted rollout changes nothing.
   *
   * @param rolloutId the id
   * @param reason why
   * @return the aborted rollout
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} when completed or rolled back
   */
  public Rollout abort(String rolloutId, String reason) {
    return transition(
        rolloutId,
        r -> {
          if (r.state() == RolloutState.ABORTED) {
            return Optional.empty();
          }
          r.state().checkMoveTo(r.id(), RolloutState.ABORTED);
          return Optional.of(
              r.next(RolloutState.ABORTED, r.stageIndex(), r.stageStartedAt(), reason, null));
        });
  }

  /**
   * Advances a running rollout to its next stage (or completes it after the last), skipping the
   * minimum report count and soak time but never the error check: when the error rate is above the
   * threshold, the rollout is paused (or rolled back) instead.
   *
   * @param rolloutId the id
   * @return the rollout after the advance or the breach
   * @throws OtaException with {@link ReasonCode#ILLEGAL_TRANSITION} unless running
   */
  public Rollout advance(String rolloutId) {
    Rollout advanced =
        transition(
            rolloutId,
            r -> {
              if (r.state() != RolloutState.RUNNING) {
                throw illegal(r, RolloutState.RUNNING);
              }
              return decide(r, true);
            });
    return advanced.state() == RolloutState.RUNNING ? evaluate(rolloutId) : advanced;
  }

  /**
   * Rolls the fleet back: every device the rollout moved is offered the signed downgrade release.
   *
   * @param rolloutId the id
   * @param rollbackRelease the downgrade release, or {@code null} for the rollout's own
   * @return the rolled-back rollout
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} when no rollback release is
   *     given or it is not a signed downgrade with a higher sequence, {@link
   *     ReasonCode#RELEASE_NOT_FOUND} when unknown, {@link ReasonCode#ILLEGAL_TRANSITION} when
   *     created or rolled back to another release already
   */
  public Rollout rollback(String rolloutId, Version rollbackRelease) {
    Rollout current = rollout(rolloutId);
    Version target = rollbackRelease != null ? rollbackRelease : current.spec().rollbackRelease();
    if (target == null) {
      throw new OtaException(
          ReasonCode.ROLLOUT_CONFIG_INVALID,
          rolloutId,
          "rollback of '" + rolloutId + "': expected a rollback release, found none");
    }
    checkRollbackRelease(rolloutId, release(current.spec().release()), target);
    return transition(
        rolloutId,
        r -> {
          if (r.state() == RolloutState.ROLLED_BACK && target.equals(r.rolledBackTo())) {
            return Optional.empty();
          }
          r.state().checkMoveTo(r.id(), RolloutState.ROLLED_BACK);
          return Optional.of(
              r.next(
                  RolloutState.ROLLED_BACK,
                  r.stageIndex(),
                  r.stageStartedAt(),
                  "fleet rollback to " + target,
                  target));
        });
  }

  /**
   * Cancels a rollout for one device: it is offered nothing more by this rollout and no longer
   * counts in its outcomes.
   *
   * @param rolloutId the rollout
   * @param deviceId the device
   * @return {@code true} when the device was assigned, {@code false} when it was not (it is then
   *     never assigned later either)
   * @throws OtaException with {@link ReasonCode#ROLLOUT_NOT_FOUND} when the rollout is unknown
   */
  public boolean cancelForDevice(String rolloutId, String deviceId) {
    rollout(rolloutId);
    boolean wasAssigned = store.cancelAssignment(rolloutId, deviceId, now());
    LOG.info("rollout {} cancelled for device {}", rolloutId, deviceId);
    return wasAssigned;
  }

  /**
   * Judges a rollout's thresholds now and applies the verdict (breach, advance, or nothing).
   *
   * @param rolloutId the id
   * @return the rollout afterwards
   * @throws OtaException with {@link ReasonCode#ROLLOUT_NOT_FOUND} when unknown
   */
  public Rollout evaluate(String rolloutId) {
    Rollout r = transition(rolloutId, x -> decide(x, false));
    // A stage just entered is judged at once: its threshold may already be exceeded.
    for (int i = 0; i < r.spec().stages().size() && r.state() == RolloutState.RUNNING; i++) {
      Rollout again = transition(rolloutId, x -> decide(x, false));
      if (again.revision() == r.revision()) {
        return again;
      }
      r = again;
    }
    return r;
  }

  /**
   * Runs one clock tick: writes buffered last-seen times and judges every running rollout, so that
   * soak times and thresholds take effect even when no report arrives. A failure on one rollout is
   * logged and does not stop the others.
   */
  public void tick() {
    try {
      flushLastSeen();
    } catch (OtaException e) {
      LOG.warn("tick: writing last-seen times failed, keeping them for the next tick: {}", e);
    }
    for (Rollout r : store.rollouts()) {
      if (r.state() == RolloutState.RUNNING) {
        try {
          evaluate(r.id());
        } catch (OtaException e) {
          LOG.warn("tick: evaluating rollout {} failed, will retry: {}", r.id(), e.getMessage());
        }
      }
    }
  }

  private Optional<Rollout> decide(Rollout r, boolean manual) {
    OutcomeCounts counts = store.outcomes(r.id());
    Judge.Verdict verdict =
        Judge.judge(r, counts, () -> reachable(r, r.stage().cutoff()), now(), manual);
    switch (verdict) {
      case BREACH:
        return Optional.of(breach(r, counts));
      case ADVANCE:
        int nextIndex = r.stageIndex() + 1;
        if (nextIndex >= r.spec().stages().size()) {
          return Optional.of(
              r.next(RolloutState.COMPLETED, r.stageIndex(), r.stageStartedAt(), null, null));
        }
        return Optional.of(r.next(RolloutState.RUNNING, nextIndex, now(), null, null));
      default:
        return Optional.empty();
    }
  }

  private Rollout breach(Rollout r, OutcomeCounts counts) {
    Stage stage = r.stage();
    String reason =
        String.format(
            Locale.ROOT,
            BREACH_PREFIX + " %d/%d = %.2f%% above threshold %.2f%% of stage '%s'",
            counts.failures(),
            counts.reports(),
            counts.failures() * 100.0 / counts.reports(),
            stage.errorThresholdPercent(),
            stage.name());
    if (r.spec().autoRollback()) {
      return r.next(
          RolloutState.ROLLED_BACK,
          r.stageIndex(),
          r.stageStartedAt(),
          reason,
          r.spec().rollbackRelease());
    }
    return r.next(RolloutState.PAUSED, r.stageIndex(), r.stageStartedAt(), reason, null);
  }

  private Rollout transition(String rolloutId, Function<Rollout, Optional<Rollout>> step) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Rollout current = rollout(rolloutId);
      Optional<Rollout> next = step.apply(current);
      if (next.isEmpty()) {
        return current;
      }
      Rollout n = next.get();
      if (store.compareAndSet(current, n, now())) {
        logTransition(current, n);
        return n;
      }
    }
    throw new OtaException(
        ReasonCode.CONFLICT,
        rolloutId,
        "rollout '"
            + rolloutId
            + "': expected a transition to apply within "
            + CAS_ATTEMPTS
            + " attempts, found other writers changing it each time");
  }

  private static void logTransition(Rollout from, Rollout to) {
    if (to.state() == RolloutState.ROLLED_BACK) {
      LOG.error("rollout {} rolled back to {}: {}", to.id(), to.rolledBackTo(), to.reason());
    } else if (to.state() == RolloutState.ABORTED) {
      LOG.error("rollout {} aborted at stage '{}': {}", to.id(), to.stage().name(), to.reason());
    } else if (to.state() == RolloutState.PAUSED
        && to.reason() != null
        && to.reason().startsWith(BREACH_PREFIX)) {
      LOG.warn("rollout {} paused at stage '{}': {}", to.id(), to.stage().name(), to.reason());
    } else {
      LOG.info(
          "rollout {}: {} stage '{}' -> {} stage '{}'",
          to.id(),
          from.state(),
          from.stage().name(),
          to.state(),
          to.stage().name());
    }
  }

  private void checkRollbackRelease(String rolloutId, ReleaseRecord current, Version target) {
    ReleaseRecord back = release(target);
    if (!back.downgrade() || back.sequence() <= current.sequence()) {
      throw new OtaException(
          ReasonCode.ROLLOUT_CONFIG_INVALID,
          target.toString(),
          "rollback release of '"
              + rolloutId
              + "': expected a signed downgrade with a sequence above "
              + current.sequence()
              + ", found downgrade="
              + back.downgrade()
              + " sequence="
              + back.sequence());
    }
  }

  private static OtaException illegal(Rollout r, RolloutState to) {
    return new OtaException(
        ReasonCode.ILLEGAL_TRANSITION,
        r.state().name(),
        "rollout '"
            + r.id()
            + "': expected a state that may move to "
            + to
            + ", found "
            + r.state());
  }

  // ---------------------------------------------------------------- membership

  /**
   * Tells whether a device is in a rollout's population: it matches the target filter and the
   * release is built for its type.
   *
   * @param rollout the rollout
   * @param device the device
   * @return whether the device belongs to the population
   */
  public boolean inPopulation(Rollout rollout, DeviceRecord device) {
    if (!rollout.spec().filter().matches(device)) {
      return false;
    }
    List<String> types = release(rollout.spec().release()).targetDeviceTypes();
    return types.isEmpty() || types.contains(device.deviceType());
  }

  /**
   * Counts the devices a rollout can reach below a bucket cutoff: population members that are
   * assigned, or not yet running the release; cancelled devices excluded.
   *
   * <p>Note: this reads every device and hashes its id, so it costs time linear in the fleet; the
   * engine calls it while a stage has fewer reports than its minimum and, once the last stage has
   * soaked, on every judgement until that stage completes; metrics call it once per rollout and
   * scrape.
   *
   * @param rollout the rollout
   * @param cutoff the exclusive bucket bound ({@link Buckets#BUCKETS} for the whole population)
   * @return the count
   */
  public long reachable(Rollout rollout, int cutoff) {
    Set<String> assigned = new HashSet<>();
    Set<String> cancelled = new HashSet<>();
    for (Assignment a : store.assignments(rollout.id())) {
      (a.cancelled() ? cancelled : assigned).add(a.deviceId());
    }
    long count = 0;
    for (DeviceRecord d : store.devices()) {
      if (cancelled.contains(d.deviceId()) || !inPopulation(rollout, d)) {
        continue;
      }
      boolean candidate =
          assigned.contains(d.deviceId()) || !rollout.spec().release().equals(d.installedVersion());
      if (candidate && Buckets.bucket(rollout.id(), d.deviceId()) < cutoff) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns what the controller offers a device now, assigning it to a running rollout whose
   * current stage covers its bucket when {@code assign} is set. Rollouts are considered in creation
   * order; the first with an offer wins.
   *
   * @param device the device, as stored after its latest check-in
   * @param assign whether a new assignment may be made (check-in) or not (download authorisation)
   * @return the offer, or empty
   */
  public Optional<Offer> offer(DeviceRecord device, boolean assign) {
    return offer(device, Long.MIN_VALUE, assign);
  }

  /**
   * Returns what the controller offers a device now, as {@link #offer(DeviceRecord, boolean)},
   * leaving out releases whose sequence is not above the highest one the device has accepted (it
   * would refuse them under its anti-rollback policy, so they are neither offered nor assigned).
   *
   * @param device the device, as stored after its latest check-in
   * @param installedSequence the highest release sequence the device has accepted
   * @param assign whether a new assignment may be made
   * @return the offer, or empty
   */
  public Optional<Offer> offer(DeviceRecord device, long installedSequence, boolean assign) {
    for (Rollout r : store.rollouts(OFFERING)) {
      Optional<Offer> offer = offerFrom(r, device, installedSequence, assign);
      if (offer.isPresent()) {
        return offer;
      }
    }
    return Optional.empty();
  }

  private Optional<Offer> offerFrom(
      Rollout rollout, DeviceRecord device, long installedSequence, boolean assign) {
    Rollout r = rollout;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (r.state() == RolloutState.ROLLED_BACK) {
        Optional<Assignment> a = store.assignment(r.id(), device.deviceId());
        boolean moved = a.isPresent() && !a.get().cancelled();
        if (moved
            && !r.rolledBackTo().equals(device.installedVersion())
            && release(r.rolledBackTo()).sequence() > installedSequence) {
          return Optional.of(new Offer(r.id(), release(r.rolledBackTo())));
        }
        return Optional.empty();
      }
      if (r.state() != RolloutState.RUNNING
          || release(r.spec().release()).sequence() <= installedSequence
          || !inPopulation(r, device)
          || r.spec().release().equals(device.installedVersion())) {
        return Optional.empty();
      }
      Optional<Assignment> existing = store.assignment(r.id(), device.deviceId());
      if (existing.isPresent()) {
        // A device whose bootloader or health checks already rolled this release back is not
        // offered it again: it would only boot-loop through the same failure.
        boolean stopped =
            existing.get().cancelled() || existing.get().outcome() == UpdateState.ROLLED_BACK;
        return stopped
            ? Optional.empty()
            : Optional.of(new Offer(r.id(), release(r.spec().release())));
      }
      int bucket = Buckets.bucket(r.id(), device.deviceId());
      if (!assign || bucket >= r.stage().cutoff()) {
        return Optional.empty();
      }
      Assignment a =
          new Assignment(
              r.id(), device.deviceId(), bucket, r.stageIndex(), now(), false, null, null, null);
      if (store.assign(a, r.revision())) {
        LOG.debug(
            "device {} assigned to rollout {} (bucket {})", device.deviceId(), r.id(), bucket);
        return Optional.of(new Offer(r.id(), release(r.spec().release())));
      }
      r = rollout(r.id());
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- reports

  /**
   * Ingests a status report: stores it once per report id and, when it is a new outcome of a
   * running rollout, judges the rollout's thresholds at once.
   *
   * <p>A terminal report ({@code COMMITTED}, {@code FAILED}, {@code ROLLED_BACK}) that names a
   * rollout counts as that rollout's outcome unless its version is the rollout's rollback release;
   * a missing or unreadable version still counts, so a failure cannot hide behind a bad field.
   *
   * <p>A device timestamp later than the controller's clock, or earlier than the creation of the
   * rollout the report names, is replaced by the controller's time: neither can be a true time of
   * an outcome of that rollout, and ordering by it would let one report outrank every later one.
   *
   * <p>Note: a device clock that is behind by less than that (after the rollout's creation) still
   * orders the device's reports by the device's clock.
   *
   * @param given the report, already authenticated as coming from its device
   * @return the acknowledgement; {@code duplicate} when the id was counted before
   * @throws OtaException with {@link ReasonCode#CONFLICT} naming the report id when that id was
   *     stored with another device, rollout, version, state or reason
   */
  public StatusAck ingest(StatusReport given) {
    Instant now = now();
    Optional<Rollout> rollout =
        given.rolloutId() == null ? Optional.empty() : store.rollout(given.rolloutId());
    // A device clock ahead of the controller must not pin the device's newest outcome forever; one
    // behind the rollout's creation (a real-time clock reset to 1970 before time sync) must not
    // make every later outcome lose to an earlier one. Either is taken as received now.
    boolean ahead = given.timestamp().isAfter(now);
    boolean beforeRollout =
        rollout.isPresent() && given.timestamp().isBefore(rollout.get().createdAt());
    StatusReport report =
        ahead || beforeRollout
            ? new StatusReport(
                given.reportId(),
                given.deviceId(),
                given.rolloutId(),
                given.version(),
                given.state(),
                given.reason(),
                given.detail(),
                now)
            : given;
    boolean outcome =
        rollout.isPresent()
            && report.state().isTerminal()
            && !isRollbackVersion(rollout.get(), report);
    boolean fresh = store.recordReport(report, outcome, now);
    if (fresh && outcome && rollout.get().state() == RolloutState.RUNNING) {
      try {
        evaluate(rollout.get().id());
      } catch (OtaException e) {
        LOG.warn(
            "report {}: evaluating rollout {} failed, the next tick retries: {}",
            report.reportId(),
            rollout.get().id(),
            e.getMessage());
      }
    }
    return new StatusAck(report.reportId(), !fresh);
  }

  private static boolean isRollbackVersion(Rollout r, StatusReport report) {
    if (report.version() == null) {
      return false;
    }
    Version v;
    try {
      v = Version.parse(report.version());
    } catch (OtaException e) {
      return false;
    }
    return v.equals(r.rolledBackTo()) || v.equals(r.spec().rollbackRelease());
  }

  // ---------------------------------------------------------------- last seen

  /**
   * Notes that a device was seen now; the time is written by the next {@link #tick()} (or {@link
   * #flushLastSeen()}), so a read-only check-in costs no database write.
   *
   * @param deviceId the device
   */
  public void noteSeen(String deviceId) {
    lastSeen.put(deviceId, now());
  }

  /** Writes the buffered last-seen times in one batch. */
  public void flushLastSeen() {
    if (lastSeen.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>(lastSeen);
    store.recordLastSeen(batch);
    batch.forEach(lastSeen::remove);
  }
}
