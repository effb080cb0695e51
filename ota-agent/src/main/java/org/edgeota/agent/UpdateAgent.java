package org.edgeota.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.edgeota.agent.internal.AtomicFiles;
import org.edgeota.agent.internal.Journal;
import org.edgeota.agent.internal.JournalRecord;
import org.edgeota.agent.internal.Names;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.BootEnv;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.api.spi.HealthCheck;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.SlotWriter;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.delta.DeltaSelector;
import org.edgeota.delta.InstalledImage;
import org.edgeota.delta.Sink;
import org.edgeota.health.HealthRunner;
import org.edgeota.health.HealthVerdict;
import org.edgeota.manifest.DeviceState;
import org.edgeota.manifest.ManifestPolicy;
import org.edgeota.manifest.PolicyFailure;
import org.edgeota.manifest.PolicyResult;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.TrustStore;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The device's update agent: one update cycle per {@link #runCycle()} and the post-boot step per
 * {@link #afterBoot()}, journaled so that a power cut at any instant is recovered on the next
 * start.
 *
 * <p>Design notes. The cycle follows {@link Transitions}. Each state is written to the journal
 * (temporary file, fsync, rename, fsync of the directory) before the action it announces; the one
 * exception is {@code COMMITTED}, which is recorded right after the boot-environment write that
 * <em>is</em> the commit, because that write decides by itself whether the new slot is committed (a
 * cut between the two is recognised on the next start from the environment). On every call the
 * agent first loads the journal and finishes or abandons whatever an earlier run left:
 *
 * <ul>
 *   <li>{@code CHECKING}: back to {@code IDLE}, nothing was fetched;
 *   <li>{@code DOWNLOADING}, {@code VERIFYING}, {@code INSTALLING}: the update resumes from the
 *       recorded step (downloads resume; installers and the slot write are redone; the active slot
 *       is never written);
 *   <li>{@code REBOOTING}: booted the target in trial → {@code TRIAL}; the trial is still pending
 *       ({@code bootcount} 0) or the environment was never written → the reboot is requested again,
 *       a bounded number of times; the environment was written but the old slot runs → the
 *       bootloader fell back: {@code ROLLED_BACK};
 *   <li>{@code TRIAL}: health checks, then commit in one environment write that is read back, or
 *       mark bad, switch back and reboot; an environment already committed is recorded as {@code
 *       COMMITTED}, and after that the agent never rolls back; a commit write that fails is retried
 *       and never reported as success;
 *   <li>{@code COMMITTED}, {@code FAILED}, {@code ROLLED_BACK}: the report is put in the outbox,
 *       components are rolled back where needed, a trial still selected in the environment is
 *       abandoned, and the device returns to {@code IDLE} once it runs the committed slot.
 * </ul>
 *
 * <p>Manifest policy (signatures, expiry, sequence, version, device type, agent version) is applied
 * before anything is downloaded; an unknown component type fails the update before anything is
 * installed. The highest accepted sequence and the committed version are journaled at the commit.
 * Reports carry ids derived from the update and the state, so a report enqueued again after a crash
 * is counted once by the controller.
 *
 * <p>Note: the slot the device booted from is read from the boot environment when the agent starts
 * (with a pending trial whose {@code bootcount} is still 0 meaning the old slot still runs); a
 * vendor whose kernel reports the booted slot should pass it through {@link
 * Builder#bootedSlot(Supplier)}. One agent instance serves one boot; an instance is not safe for
 * concurrent calls.
 *
 * <p>Note: a release without firmware is tried in place; when its health checks fail, its
 * components are rolled back but no reboot is requested, even if one of them declared {@code
 * rebootRequired}. When a firmware delta fails to apply, the full image is fetched during {@code
 * INSTALLING}; a transient transport failure there keeps the update in {@code INSTALLING} (the
 * partial download is kept) and the next cycle installs again from the start, as after a power cut,
 * until the release expires.
 */
public final class UpdateAgent {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateAgent.class);
  private static final String FACTS_FILE = "device-facts.json";

  /** Download failures that a later cycle can overcome; the update stays in DOWNLOADING. */
  private static final Set<ReasonCode> TRANSIENT_DOWNLOAD_FAILURES =
      Set.of(
          ReasonCode.TRANSPORT_ERROR,
          ReasonCode.RETRIES_EXHAUSTED,
          ReasonCode.HTTP_STATUS,
          ReasonCode.DOWNLOAD_TRUNCATED,
          ReasonCode.DOWNLOAD_TOO_SLOW,
          ReasonCode.DOWNLOAD_DEADLINE,
          ReasonCode.VALIDATOR_CHANGED,
          ReasonCode.IO_ERROR);

  private final TransportClient transport;
  private final BootScheme scheme;
  private final PartitionBackend partitions;
  private final Map<String, ComponentInstaller> installers;
  private final HealthRunner health;
  private final TrustStore trust;
  private final Clock clock;
  private final Path stateDir;
  private final String deviceId;
  private final String deviceType;
  private final Map<String, String> tags;
  private final Version factoryVersion;
  private final long factorySequence;
  private final long factoryFirmwareSize;
  private final Version agentVersion;
  private final RebootHandler rebootHandler;
  private final Supplier<Slot> bootedSlotSource;
  private final int maxRebootAttempts;
  private final int commitAttempts;
  private final DeltaSelector deltas;
  private final Journal journal;
  private final StatusOutbox outbox;
  private final ObjectMapper mapper = new ObjectMapper();
  private Slot booted;
  private boolean rebootPending;

  private UpdateAgent(Builder b) {
    this.transport = b.transport;
    this.scheme = b.scheme;
    this.partitions = b.partitions;
    this.installers = Collections.unmodifiableMap(new LinkedHashMap<>(b.installers));
    this.health = b.health;
    this.trust = b.trust;
    this.clock = b.clock;
    this.stateDir = b.stateDir;
    this.deviceId = b.deviceId;
    this.deviceType = b.deviceType;
    this.tags = Map.copyOf(b.tags);
    this.factoryVersion = b.factoryVersion;
    this.factorySequence = b.factorySequence;
    this.factoryFirmwareSize = b.factoryFirmwareSize;
    this.agentVersion = b.agentVersion;
    this.rebootHandler = b.rebootHandler;
    this.bootedSlotSource = b.bootedSlot;
    this.maxRebootAttempts = b.maxRebootAttempts;
    this.commitAttempts = b.commitAttempts;
    this.deltas = DeltaSelector.withDefaults();
    this.journal = new Journal(stateDir, clock, b.journalProbe);
    this.outbox =
        StatusOutbox.open(
            stateDir.resolve("outbox"),
            clock,
            b.backoff,
            b.maxBackoff,
            b.reportJitter == null ? StatusOutbox.defaultJitter() : b.reportJitter);
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the status outbox, for example to deliver reports between cycles.
   *
   * @return the outbox
   */
  public StatusOutbox outbox() {
    return outbox;
  }

  /**
   * Returns the state last written to the journal.
   *
   * @return the journaled state, loading the journal first if needed
   * @throws OtaException with {@code JOURNAL_CORRUPT} when the journal cannot be used
   */
  public UpdateState journaledState() {
    return journal.load().map(JournalRecord::state).orElse(UpdateState.IDLE);
  }

  /**
   * Runs one update cycle: finishes what an earlier run left, delivers waiting reports, checks in,
   * applies the manifest policy, downloads, verifies, installs into the inactive slot and requests
   * the trial reboot.
   *
   * @return what the cycle did
   * @throws OtaException with {@code IO_ERROR} when the journal or outbox cannot be written; the
   *     update is then resumed by the next call
   */
  public CycleResult runCycle() {
    try (MDC.MDCCloseable device = MDC.putCloseable("device", deviceId)) {
      return cycle();
    }
  }

  private CycleResult cycle() {
    JournalRecord r = start();
    if (rebootPending) {
      deliverReports();
      return corruptJournalOutcome().asCycle();
    }
    if (r.state() != UpdateState.IDLE) {
      Outcome o = resume(r);
      if (o.state != UpdateState.IDLE || o.reboot) {
        deliverReports();
        return o.asCycle();
      }
      r = journal.current();
      if (r.state() != UpdateState.IDLE) {
        return o.asCycle();
      }
    }
    Outcome o = newCycle(r);
    deliverReports();
    return o.asCycle();
  }

  /**
   * Runs the post-boot step: after a trial boot runs the health checks and commits or rolls back,
   * reports a fallback the bootloader already made, and finishes any interrupted step.
   *
   * @return what the step did; {@code IDLE} when no update was pending
   * @throws OtaException with {@code IO_ERROR} when the journal or outbox cannot be written
   */
  public PostBootResult afterBoot() {
    try (MDC.MDCCloseable device = MDC.putCloseable("device", deviceId)) {
      return postBoot();
    }
  }

  private PostBootResult postBoot() {
    JournalRecord r = start();
    if (rebootPending) {
      deliverReports();
      return corruptJournalOutcome().asPostBoot();
    }
    Outcome o =
        r.state() == UpdateState.IDLE ? new Outcome(UpdateState.IDLE, null, null, null) : resume(r);
    deliverReports();
    return o.asPostBoot();
  }

  // ---------------------------------------------------------------- start and recovery

  private JournalRecord start() {
    if (scheme != null || bootedSlotSource != null) {
      bootedSlot();
    }
    Optional<JournalRecord> loaded;
    try {
      loaded = journal.load();
    } catch (OtaException e) {
      if (e.reason() != ReasonCode.JOURNAL_CORRUPT) {
        throw e;
      }
      return recoverCorruptJournal(e);
    }
    if (loaded.isEmpty()) {
      return journal.initialise(factoryRecord());
    }
    return loaded.get();
  }

  /**
   * A journal that cannot be read is moved aside and reported; the device facts come from their
   * copy, and a trial left in the environment is abandoned because its health is unknown.
   */
  private JournalRecord recoverCorruptJournal(OtaException e) {
    LOG.error("journal unusable, starting over from the boot environment: {}", e.getMessage());
    Path aside = journal.quarantine();
    JournalRecord fresh = factoryRecord();
    Optional<JournalRecord> facts = readFacts();
    if (facts.isPresent()) {
      fresh =
          fresh.toBuilder()
              .committedVersion(facts.get().committedVersion())
              .highestAcceptedSequence(facts.get().highestAcceptedSequence())
              .firmwareImageSize(facts.get().firmwareImageSize())
              .build();
    }
    JournalRecord r = journal.initialise(fresh);
    outbox.enqueue(
        new StatusReport(
            reportId("journal-" + aside.getFileName(), UpdateState.FAILED),
            deviceId,
            null,
            null,
            UpdateState.FAILED,
            ReasonCode.JOURNAL_CORRUPT.name(),
            "journal moved to " + aside.getFileName() + ": " + e.getMessage(),
            clock.instant()));
    if (scheme != null && scheme.inTrial()) {
      LOG.error("trial in progress without a usable journal: switching back");
      scheme.markBadAndSwitchBack();
      if (bootedSlot() != scheme.bootedSlot()) {
        rebootPending = true;
        requestReboot();
      }
    }
    return r;
  }

  private JournalRecord factoryRecord() {
    return JournalRecord.initial(factoryVersion.toString(), factorySequence).toBuilder()
        .firmwareImageSize(factoryFirmwareSize)
        .build();
  }

  private Outcome corruptJournalOutcome() {
    return new Outcome(
            UpdateState.FAILED,
            null,
            ReasonCode.JOURNAL_CORRUPT,
            "journal unusable during a trial; switched back to slot " + scheme.bootedSlot())
        .rebooting();
  }

  private Outcome resume(JournalRecord r) {
    LOG.info("resuming update {} from {}", r.updateId(), r.state());
    return switch (r.state()) {
      case IDLE -> new Outcome(UpdateState.IDLE, null, null, null);
      case CHECKING -> {
        journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
        yield new Outcome(UpdateState.IDLE, null, null, "check-in interrupted; nothing fetched");
      }
      case DOWNLOADING, VERIFYING, INSTALLING -> proceed(r);
      case REBOOTING -> resumeRebooting(r);
      case TRIAL -> trial(r);
      case COMMITTED -> finishCommitted(r);
      case FAILED, ROLLED_BACK -> finishAbandoned(r);
    };
  }

  // ---------------------------------------------------------------- a new cycle

  private Outcome newCycle(JournalRecord idle) {
    if (scheme != null && (scheme.inTrial() || scheme.bootedSlot() != bootedSlot())) {
      return new Outcome(
          UpdateState.IDLE,
          null,
          ReasonCode.ILLEGAL_TRANSITION,
          "boot environment selects slot "
              + scheme.bootedSlot()
              + (scheme.inTrial() ? " on trial" : "")
              + " while slot "
              + bootedSlot()
              + " runs; no update starts before the device runs its committed slot");
    }
    JournalRecord r = journal.transition(idle.withState(UpdateState.CHECKING));
    CheckResponse response;
    try {
      response =
          transport.checkIn(
              new CheckRequest(deviceInfo(r), r.highestAcceptedSequence(), bootedSlot()));
    } catch (RuntimeException e) {
      OtaException oe = asOta(e, ReasonCode.TRANSPORT_ERROR, "check-in");
      LOG.warn("check-in failed, will try again next cycle: {}", oe.getMessage());
      journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
      return new Outcome(UpdateState.IDLE, null, oe.reason(), oe.getMessage());
    }
    if (response == null || !response.updateAvailable() || response.manifest() == null) {
      journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
      return new Outcome(UpdateState.IDLE, null, null, "no update assigned");
    }

    byte[] manifestBytes = response.manifest().getBytes(StandardCharsets.UTF_8);
    String updateId = sha256(manifestBytes).substring(0, 24);
    PolicyResult policy =
        ManifestPolicy.evaluate(
            manifestBytes,
            trust,
            new DeviceState(
                Version.parse(r.committedVersion()),
                r.highestAcceptedSequence(),
                deviceType,
                agentVersion),
            clock);
    JournalRecord.Builder update =
        r.toBuilder()
            .updateId(updateId)
            .rolloutId(response.rolloutId())
            .manifest(response.manifest())
            .artifactUrls(response.artifactUrls())
            .sourceSlot(bootedSlot());
    if (!policy.accepted()) {
      PolicyFailure f = policy.failures().get(0);
      policy.release().ifPresent(rel -> update.targetVersion(rel.version().toString()));
      LOG.error("manifest refused by policy: {}", f.message());
      return fail(update.build(), f.reason(), f.message());
    }
    Release release = policy.release().orElseThrow();
    update.targetVersion(release.version().toString()).targetSequence(release.sequence());
    if (release.sequence() == r.rolledBackSequence()) {
      LOG.warn("release {} was rolled back on this device before; declined", release.version());
      journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
      return new Outcome(
          UpdateState.IDLE,
          release.version().toString(),
          ReasonCode.HEALTH_CHECK_FAILED,
          "release sequence " + release.sequence() + " was rolled back on this device");
    }
    Optional<OtaException> unsupported = checkComponents(release);
    if (unsupported.isPresent()) {
      return fail(update.build(), unsupported.get().reason(), unsupported.get().getMessage());
    }
    boolean firmware = firmware(release).isPresent();
    update.targetSlot(firmware ? bootedSlot().other() : bootedSlot());
    JournalRecord downloading = journal.transition(update.state(UpdateState.DOWNLOADING).build());
    return proceed(downloading);
  }

  private Optional<OtaException> checkComponents(Release release) {
    long firmwareCount =
        release.components().stream().filter(c -> c.type().equals(Component.TYPE_FIRMWARE)).count();
    if (firmwareCount > 0 && (partitions == null || scheme == null)) {
      return Optional.of(
          new OtaException(
              ReasonCode.COMPONENT_TYPE_UNKNOWN,
              Component.TYPE_FIRMWARE,
              "component type 'firmware': expected a partition backend and boot scheme, found"
                  + " none configured"));
    }
    if (firmwareCount > 1) {
      return Optional.of(
          new OtaException(
              ReasonCode.MANIFEST_FIELD_INVALID,
              String.valueOf(firmwareCount),
              "firmware components: expected at most 1, found " + firmwareCount));
    }
    for (Component c : release.components()) {
      try {
        Names.requireSafe("component name", c.name());
      } catch (OtaException e) {
        return Optional.of(e);
      }
      if (!c.type().equals(Component.TYPE_FIRMWARE) && !installers.containsKey(c.type())) {
        return Optional.of(
            new OtaException(
                ReasonCode.COMPONENT_TYPE_UNKNOWN,
                c.type(),
                "component '"
                    + c.name()
                    + "' type: expected firmware or one of "
                    + installers.keySet()
                    + ", found '"
                    + c.type()
                    + "'"));
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- download, verify, install

  private Outcome proceed(JournalRecord r) {
    Release release;
    try {
      release = SignedManifest.parse(r.manifest().getBytes(StandardCharsets.UTF_8)).release();
    } catch (RuntimeException e) {
      OtaException oe = asOta(e, ReasonCode.MANIFEST_MALFORMED, "journaled manifest");
      return fail(r, oe.reason(), oe.getMessage());
    }
    try {
      if (r.state() == UpdateState.DOWNLOADING) {
        if (!clock.instant().isBefore(release.expires())) {
          throw new OtaException(
              ReasonCode.MANIFEST_EXPIRED,
              release.expires().toString(),
              "release "
                  + release.version()
                  + ": expected to finish downloading before it expires at "
                  + release.expires()
                  + ", found "
                  + clock.instant());
        }
        try {
          download(r, release);
        } catch (OtaException e) {
          if (!TRANSIENT_DOWNLOAD_FAILURES.contains(e.reason())) {
            throw e;
          }
          LOG.warn(
              "download of {} interrupted, resumed next cycle: {}",
              r.targetVersion(),
              e.getMessage());
          return new Outcome(
              UpdateState.DOWNLOADING, r.targetVersion(), e.reason(), e.getMessage());
        }
        r = journal.transition(r.withState(UpdateState.VERIFYING));
      }
      if (r.state() == UpdateState.VERIFYING) {
        verify(r, release);
        r = journal.transition(r.withState(UpdateState.INSTALLING));
      }
      try {
        r = install(r, release);
      } catch (InstallFetchInterrupted interrupted) {
        OtaException e = interrupted.failure;
        if (!clock.instant().isBefore(release.expires())) {
          throw new OtaException(
              ReasonCode.MANIFEST_EXPIRED,
              release.expires().toString(),
              "release "
                  + release.version()
                  + ": expected to finish installing before it expires at "
                  + release.expires()
                  + ", found "
                  + clock.instant()
                  + " (last fetch failure: "
                  + e.getMessage()
                  + ")");
        }
        LOG.warn(
            "fetch during the install of {} interrupted, installing again next cycle: {}",
            r.targetVersion(),
            e.getMessage());
        return new Outcome(UpdateState.INSTALLING, r.targetVersion(), e.reason(), e.getMessage());
      }
    } catch (OtaException e) {
      LOG.error("update {} failed in {}: {}", r.targetVersion(), r.state(), e.getMessage());
      return fail(journal.current(), e.reason(), e.getMessage());
    }
    boolean needsReboot =
        r.targetSlot() != r.sourceSlot()
            || release.components().stream().anyMatch(Component::rebootRequired);
    if (!needsReboot) {
      return trial(journal.transition(r.withState(UpdateState.TRIAL)));
    }
    JournalRecord rebooting =
        journal.transition(
            r.toBuilder()
                .state(UpdateState.REBOOTING)
                .envPrepared(false)
                .rebootAttempts(1)
                .build());
    return requestTrialReboot(rebooting);
  }

  private void download(JournalRecord r, Release release) {
    Path dir = downloadDir(r);
    for (Component c : ordered(release)) {
      if (c.type().equals(Component.TYPE_FIRMWARE)) {
        List<DeltaArtifact> usable = deltasFor(c, r);
        if (!usable.isEmpty()) {
          for (DeltaArtifact d : usable) {
            try {
              fetch(r, d.file(), d.size(), d.sha256(), dir);
            } catch (OtaException e) {
              LOG.warn(
                  "delta {} not fetched, the full image will be used: {}",
                  d.file(),
                  e.getMessage());
            }
          }
          continue;
        }
      }
      fetch(r, c.file(), c.size(), c.sha256(), dir);
    }
  }

  private List<DeltaArtifact> deltasFor(Component c, JournalRecord r) {
    return c.deltas().stream()
        .filter(d -> d.algorithm().equals("bsdiff"))
        .filter(d -> d.fromVersion().toString().equals(r.committedVersion()))
        .toList();
  }

  private Path fetch(JournalRecord r, String file, long size, String sha256, Path dir) {
    Path target = dir.resolve(safeFile(file));
    if (Files.exists(target) && matches(target, size, sha256)) {
      return target;
    }
    String url = r.artifactUrls().get(file);
    if (url == null) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          file,
          "artifact URL of '" + file + "': expected one in the check-in answer, found none");
    }
    try {
      Files.createDirectories(dir);
      LOG.info("downloading {} ({} bytes)", file, size);
      return transport.download(
          new ArtifactRequest(URI.create(url), size, sha256),
          target,
          DownloadProgress.Listener.none());
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, dir.toString(), "download directory: " + e, e);
    } catch (RuntimeException e) {
      throw asOta(e, ReasonCode.TRANSPORT_ERROR, "download of '" + file + "'");
    }
  }

  private void verify(JournalRecord r, Release release) {
    Path dir = downloadDir(r);
    for (Component c : ordered(release)) {
      Path full = dir.resolve(safeFile(c.file()));
      if (Files.exists(full)) {
        requireMatch(full, c.size(), c.sha256());
      } else if (!c.type().equals(Component.TYPE_FIRMWARE)) {
        throw new OtaException(
            ReasonCode.PAYLOAD_MISMATCH,
            c.file(),
            "payload '" + c.file() + "': expected a downloaded file, found none");
      }
      for (DeltaArtifact d : c.deltas()) {
        Path patch = dir.resolve(safeFile(d.file()));
        if (Files.exists(patch) && !matches(patch, d.size(), d.sha256())) {
          LOG.warn("delta {} does not match its manifest entry; removed", d.file());
          deleteQuietly(patch);
        }
      }
    }
  }

  private JournalRecord install(JournalRecord r, Release release) {
    Path dir = downloadDir(r);
    for (Component c : ordered(release)) {
      r = journal.update(r.toBuilder().componentStarted(c.name()).build());
      if (c.type().equals(Component.TYPE_FIRMWARE)) {
        installFirmware(r, c, dir);
        continue;
      }
      ComponentInstaller installer = installers.get(c.type());
      Path payload = dir.resolve(safeFile(c.file()));
      try {
        installer.install(c, payload, context(r, c));
      } catch (RuntimeException e) {
        throw asOta(e, ReasonCode.INSTALL_FAILED, "installer of '" + c.name() + "'");
      }
      LOG.info("component {} ({}) installed", c.name(), c.type());
    }
    return r;
  }

  private void installFirmware(JournalRecord r, Component c, Path dir) {
    Slot target = r.targetSlot();
    if (target == bootedSlot()) {
      throw new OtaException(
          ReasonCode.SLOT_ACTIVE,
          target.name(),
          "firmware target slot: expected the inactive slot, found the booted slot " + target);
    }
    Path full = dir.resolve(safeFile(c.file()));
    List<SlotWriter> opened = new ArrayList<>();
    try {
      if (deltasFor(c, r).isEmpty()) {
        SlotWriter w = partitions.openForWrite(target, c.size());
        opened.add(w);
        stream(fetchDuringInstall(r, c, dir), Sink.of(w));
      } else {
        long size =
            r.firmwareImageSize() > 0 ? r.firmwareImageSize() : partitions.capacity(r.sourceSlot());
        try (SeekableByteChannel base = partitions.openForRead(r.sourceSlot())) {
          deltas.install(
              c,
              new InstalledImage(base, size, Version.parse(r.committedVersion())),
              d -> fetch(r, d.file(), d.size(), d.sha256(), dir),
              sink -> stream(fetchDuringInstall(r, c, dir), sink),
              attempt -> {
                opened.forEach(SlotWriter::close);
                SlotWriter w = partitions.openForWrite(target, c.size());
                opened.add(w);
                return Sink.of(w);
              });
        }
      }
      opened.get(opened.size() - 1).commit(c.sha256());
      LOG.info("firmware {} written to slot {} and verified", c.name(), target);
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, full.toString(), "firmware install: " + e, e);
    } catch (InstallFetchInterrupted e) {
      throw e;
    } catch (RuntimeException e) {
      throw asOta(e, ReasonCode.INSTALL_FAILED, "firmware install of '" + c.name() + "'");
    } finally {
      opened.forEach(SlotWriter::close);
    }
  }

  /**
   * Fetches a component's full payload while installing (after a delta failed to apply); a
   * transient failure is told apart from a failed install, so that the update can resume.
   */
  private Path fetchDuringInstall(JournalRecord r, Component c, Path dir) {
    try {
      return fetch(r, c.file(), c.size(), c.sha256(), dir);
    } catch (OtaException e) {
      if (TRANSIENT_DOWNLOAD_FAILURES.contains(e.reason())) {
        throw new InstallFetchInterrupted(e);
      }
      throw e;
    }
  }

  /** A transient fetch failure during {@code INSTALLING}: the update stays there and resumes. */
  private static final class InstallFetchInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient OtaException failure;

    InstallFetchInterrupted(OtaException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  private static void stream(Path file, Sink sink) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        sink.write(ByteBuffer.wrap(buf, 0, n));
      }
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, file.toString(), "reading payload: " + e, e);
    }
  }

  // ---------------------------------------------------------------- reboot and trial

  private Outcome requestTrialReboot(JournalRecord r) {
    try {
      if (r.targetSlot() != r.sourceSlot() && !r.envPrepared()) {
        scheme.prepareTrial(r.targetSlot());
        if (!scheme.inTrial() || scheme.bootedSlot() != r.targetSlot()) {
          throw new OtaException(
              ReasonCode.BOOT_ENV_WRITE_FAILED,
              r.targetSlot().name(),
              "trial boot of slot "
                  + r.targetSlot()
                  + ": expected it selected in trial, found not");
        }
        r = journal.update(r.toBuilder().envPrepared(true).build());
      }
      LOG.info("requesting reboot into slot {} for {}", r.targetSlot(), r.targetVersion());
      requestReboot();
    } catch (OtaException e) {
      LOG.error("trial reboot failed: {}", e.getMessage());
      return fail(journal.current(), e.reason(), e.getMessage());
    }
    return new Outcome(UpdateState.REBOOTING, r.targetVersion(), null, null).rebooting();
  }

  private Outcome resumeRebooting(JournalRecord r) {
    if (r.targetSlot() == r.sourceSlot() || bootedSlot() == r.targetSlot()) {
      return trial(journal.transition(r.withState(UpdateState.TRIAL)));
    }
    boolean trialPending = scheme.inTrial() && scheme.bootedSlot() == r.targetSlot();
    if (trialPending || !r.envPrepared()) {
      if (r.rebootAttempts() >= maxRebootAttempts) {
        return fail(
            r,
            ReasonCode.REBOOT_FAILED,
            "trial reboot: expected slot "
                + r.targetSlot()
                + " booted after "
                + r.rebootAttempts()
                + " requests, found slot "
                + bootedSlot());
      }
      LOG.warn("trial boot of slot {} did not happen yet; requesting it again", r.targetSlot());
      JournalRecord again =
          journal.update(
              r.toBuilder()
                  .rebootAttempts(r.rebootAttempts() + 1)
                  .envPrepared(trialPending)
                  .build());
      return requestTrialReboot(again);
    }
    LOG.error(
        "bootloader fell back to slot {}: trial of {} failed", bootedSlot(), r.targetVersion());
    return rollBack(
        r, ReasonCode.TRIAL_BOOT_FAILED, "bootloader fell back to slot " + bootedSlot());
  }

  private Outcome trial(JournalRecord r) {
    boolean firmware = r.targetSlot() != r.sourceSlot();
    if (firmware && bootedSlot() != r.targetSlot()) {
      return rollBack(
          r,
          ReasonCode.TRIAL_BOOT_FAILED,
          "slot " + bootedSlot() + " runs, not the trial slot: the bootloader fell back");
    }
    if (firmware && !scheme.inTrial()) {
      LOG.info("boot environment already commits slot {}", r.targetSlot());
      return finishCommitted(commitRecord(r));
    }
    HealthVerdict verdict;
    try {
      verdict = health.run();
    } catch (RuntimeException e) {
      OtaException oe = asOta(e, ReasonCode.HEALTH_CHECK_FAILED, "health runner");
      return rollBack(r, oe.reason(), oe.getMessage());
    }
    if (!verdict.healthy()) {
      LOG.error("health checks failed for {}: {}", r.targetVersion(), verdict.summary());
      return rollBack(r, ReasonCode.HEALTH_CHECK_FAILED, verdict.summary()).withHealth(verdict);
    }
    if (firmware) {
      OtaException last = null;
      for (int attempt = 1; attempt <= commitAttempts; attempt++) {
        try {
          scheme.commit();
          if (!scheme.inTrial() && scheme.bootedSlot() == r.targetSlot()) {
            last = null;
            break;
          }
          last =
              new OtaException(
                  ReasonCode.COMMIT_FAILED,
                  r.targetSlot().name(),
                  "commit of slot "
                      + r.targetSlot()
                      + ": expected it read back committed, found"
                      + " trial="
                      + scheme.inTrial()
                      + " slot="
                      + scheme.bootedSlot());
        } catch (RuntimeException e) {
          last = asOta(e, ReasonCode.COMMIT_FAILED, "commit write");
        }
        LOG.warn("commit attempt {} of {} failed: {}", attempt, commitAttempts, last.getMessage());
      }
      if (last != null) {
        return new Outcome(
                UpdateState.TRIAL,
                r.targetVersion(),
                ReasonCode.COMMIT_FAILED,
                "health passed but the commit could not be written; retried on the next start: "
                    + last.getMessage())
            .withHealth(verdict);
      }
    }
    return finishCommitted(commitRecord(r)).withHealth(verdict);
  }

  private JournalRecord commitRecord(JournalRecord r) {
    Release release = SignedManifest.parse(r.manifest().getBytes(StandardCharsets.UTF_8)).release();
    long fwSize = firmware(release).map(Component::size).orElse(r.firmwareImageSize());
    JournalRecord committed =
        journal.transition(
            r.toBuilder()
                .state(UpdateState.COMMITTED)
                .committedVersion(r.targetVersion())
                .highestAcceptedSequence(Math.max(r.highestAcceptedSequence(), r.targetSequence()))
                .firmwareImageSize(fwSize)
                .outcome(null, "committed")
                .build());
    LOG.info("release {} committed (sequence {})", r.targetVersion(), r.targetSequence());
    return committed;
  }

  private Outcome rollBack(JournalRecord r, ReasonCode reason, String detail) {
    JournalRecord rolled =
        journal.transition(
            r.toBuilder()
                .state(UpdateState.ROLLED_BACK)
                .outcome(reason.name(), detail)
                .rolledBackSequence(r.targetSequence())
                .build());
    LOG.error("update {} rolled back: {}", r.targetVersion(), detail);
    return finishAbandoned(rolled);
  }

  private Outcome fail(JournalRecord r, ReasonCode reason, String detail) {
    JournalRecord failed =
        journal.transition(
            r.toBuilder().state(UpdateState.FAILED).outcome(reason.name(), detail).build());
    LOG.error("update {} failed: {} {}", versionText(r), reason, detail);
    return finishAbandoned(failed);
  }

  // ---------------------------------------------------------------- outcomes

  private Outcome finishCommitted(JournalRecord r) {
    outbox.enqueue(report(r, UpdateState.COMMITTED, null, "committed"));
    writeFacts(r);
    cleanup(r);
    journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
    return new Outcome(UpdateState.COMMITTED, r.targetVersion(), null, "committed");
  }

  private Outcome finishAbandoned(JournalRecord r) {
    ReasonCode reason = reasonOf(r.reason());
    // Components first, so that the report can tell the controller which of them could not be
    // rolled back. A power cut in between runs this again on start (installers' rollbacks are
    // idempotent, the report id is the same).
    List<String> notRolledBack = rollbackComponents(r);
    String detail =
        notRolledBack.isEmpty()
            ? r.detail()
            : (r.detail() == null ? "" : r.detail() + "; ") + String.join("; ", notRolledBack);
    outbox.enqueue(report(r, r.state(), r.reason(), detail));
    if (r.targetSlot() != null && r.targetSlot() != r.sourceSlot()) {
      if (scheme.inTrial()) {
        LOG.warn("abandoning the trial of slot {} in the boot environment", r.targetSlot());
        scheme.markBadAndSwitchBack();
      }
      if (bootedSlot() != r.sourceSlot()) {
        LOG.error("running the abandoned slot {}; rebooting into {}", bootedSlot(), r.sourceSlot());
        requestReboot();
        return new Outcome(r.state(), r.targetVersion(), reason, detail).rebooting();
      }
    }
    cleanup(r);
    journal.transition(r.toBuilder().state(UpdateState.IDLE).clearUpdate().build());
    return new Outcome(r.state(), r.targetVersion(), reason, detail);
  }

  private static String versionText(JournalRecord r) {
    return r.targetVersion() == null ? "(version not trusted)" : r.targetVersion();
  }

  private static ReasonCode reasonOf(String name) {
    if (name == null) {
      return null;
    }
    try {
      return ReasonCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ReasonCode.INSTALL_FAILED;
    }
  }

  /**
   * Rolls back the components an abandoned update started, newest first; one that fails does not
   * stop the others.
   *
   * @return one line per component that could not be rolled back, for the status report
   */
  private List<String> rollbackComponents(JournalRecord r) {
    if (r.manifest() == null || r.startedComponents().isEmpty()) {
      return List.of();
    }
    Release release;
    try {
      release = SignedManifest.parse(r.manifest().getBytes(StandardCharsets.UTF_8)).release();
    } catch (RuntimeException e) {
      LOG.error("cannot parse the journaled manifest to roll components back: {}", e.toString());
      return List.of("components " + r.startedComponents() + " not rolled back: " + e);
    }
    List<String> failures = new ArrayList<>();
    List<Component> started =
        ordered(release).stream().filter(c -> r.startedComponents().contains(c.name())).toList();
    for (int i = started.size() - 1; i >= 0; i--) {
      Component c = started.get(i);
      ComponentInstaller installer = installers.get(c.type());
      if (installer == null) {
        continue;
      }
      try {
        installer.rollback(c, context(r, c));
      } catch (RuntimeException e) {
        LOG.error("rollback of component {} failed: {}", c.name(), e.toString());
        failures.add("rollback of component " + c.name() + " failed: " + e.getMessage());
      }
    }
    return failures;
  }

  private void requestReboot() {
    try {
      rebootHandler.reboot();
    } catch (RuntimeException e) {
      throw asOta(e, ReasonCode.REBOOT_FAILED, "reboot handler");
    }
  }

  private void deliverReports() {
    try {
      outbox.deliver(transport);
    } catch (OtaException e) {
      LOG.warn("status outbox not delivered: {}", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- helpers

  private Slot bootedSlot() {
    if (booted == null) {
      if (bootedSlotSource != null) {
        booted = bootedSlotSource.get();
      } else if (scheme == null) {
        booted = Slot.A;
      } else {
        Slot selected = scheme.bootedSlot();
        booted = scheme.inTrial() && scheme.bootCount() == 0 ? selected.other() : selected;
      }
    }
    return booted;
  }

  private DeviceInfo deviceInfo(JournalRecord r) {
    return new DeviceInfo(
        deviceId, deviceType, Version.parse(r.committedVersion()), agentVersion, tags);
  }

  private StatusReport report(JournalRecord r, UpdateState state, String reason, String detail) {
    return new StatusReport(
        reportId(r.updateId(), state),
        deviceId,
        r.rolloutId(),
        r.targetVersion(),
        state,
        reason,
        detail,
        clock.instant());
  }

  private String reportId(String updateId, UpdateState state) {
    String key = deviceId + "/" + updateId + "/" + state;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private ComponentInstaller.Context context(JournalRecord r, Component c) {
    return new ComponentInstaller.Context(
        r.targetSlot(), stateDir.resolve("work").resolve(r.updateId()).resolve(c.name()));
  }

  private Path downloadDir(JournalRecord r) {
    return stateDir.resolve("downloads").resolve(r.updateId());
  }

  private void cleanup(JournalRecord r) {
    if (r.updateId() == null) {
      return;
    }
    deleteTree(downloadDir(r));
    deleteTree(stateDir.resolve("work").resolve(r.updateId()));
  }

  private static Optional<Component> firmware(Release release) {
    return release.components().stream()
        .filter(c -> c.type().equals(Component.TYPE_FIRMWARE))
        .findFirst();
  }

  private static List<Component> ordered(Release release) {
    return release.components().stream()
        .sorted(Comparator.comparingInt(Component::installOrder).thenComparing(Component::name))
        .toList();
  }

  private static String safeFile(String file) {
    Path p = Path.of(file);
    if (p.getNameCount() != 1 || file.equals("..") || file.equals(".") || p.isAbsolute()) {
      throw new OtaException(
          ReasonCode.MANIFEST_FIELD_INVALID,
          file,
          "file name: expected a plain name, found '" + file + "'");
    }
    return file;
  }

  private static boolean matches(Path file, long size, String sha256) {
    try {
      return Files.size(file) == size && sha256(file).equals(sha256);
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireMatch(Path file, long size, String sha256) {
    try {
      long actual = Files.size(file);
      if (actual != size) {
        throw new OtaException(
            ReasonCode.PAYLOAD_MISMATCH,
            String.valueOf(actual),
            "payload '" + file.getFileName() + "' size: expected " + size + ", found " + actual);
      }
      String digest = sha256(file);
      if (!digest.equals(sha256)) {
        throw new OtaException(
            ReasonCode.PAYLOAD_MISMATCH,
            digest,
            "payload '"
                + file.getFileName()
                + "' sha256: expected "
                + sha256
                + ", found "
                + digest);
      }
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, file.toString(), "verifying payload: " + e, e);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String sha256(byte[] data) {
    return HexFormat.of().formatHex(newDigest().digest(data));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }

  private static OtaException asOta(RuntimeException e, ReasonCode fallback, String what) {
    if (e instanceof OtaException oe) {
      return oe;
    }
    return new OtaException(
        e instanceof UnsupportedOperationException || e instanceof IllegalStateException
            ? ReasonCode.SPI_FAILURE
            : fallback,
        e.getClass().getSimpleName(),
        what + ": expected success, found " + e,
        e);
  }

  private void writeFacts(JournalRecord r) {
    ObjectNode facts = mapper.createObjectNode();
    facts.put("committedVersion", r.committedVersion());
    facts.put("highestAcceptedSequence", r.highestAcceptedSequence());
    facts.put("firmwareImageSize", r.firmwareImageSize());
    try {
      AtomicFiles.write(stateDir.resolve(FACTS_FILE), mapper.writeValueAsBytes(facts));
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, FACTS_FILE, "device facts: " + e, e);
    }
  }

  private Optional<JournalRecord> readFacts() {
    Path f = stateDir.resolve(FACTS_FILE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      var n = mapper.readTree(f.toFile());
      Version.parse(n.get("committedVersion").asText());
      return Optional.of(
          JournalRecord.initial(
                  n.get("committedVersion").asText(), n.get("highestAcceptedSequence").asLong())
              .toBuilder()
              .firmwareImageSize(n.path("firmwareImageSize").asLong(0))
              .build());
    } catch (IOException | RuntimeException e) {
      LOG.error("device facts unreadable, using the factory values: {}", e.toString());
      return Optional.empty();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", p, e.toString());
    }
  }

  /** The result of one step, shared by both entry points. */
  private static final class Outcome {
    private final UpdateState state;
    private final String version;
    private final ReasonCode reason;
    private final String detail;
    private boolean reboot;
    private HealthVerdict health;

    Outcome(UpdateState state, String version, ReasonCode reason, String detail) {
      this.state = state;
      this.version = version;
      this.reason = reason;
      this.detail = detail;
    }

    Outcome rebooting() {
      reboot = true;
      return this;
    }

    Outcome withHealth(HealthVerdict verdict) {
      health = verdict;
      return this;
    }

    CycleResult asCycle() {
      return new CycleResult(state, version, reason, detail, reboot);
    }

    PostBootResult asPostBoot() {
      return new PostBootResult(state, version, reason, detail, reboot, health);
    }
  }

  /** Builds an {@link UpdateAgent}; every SPI is passed in, nothing is looked up. */
  public static final class Builder {
    private TransportClient transport;
    private BootScheme scheme;
    private PartitionBackend partitions;
    private final Map<String, ComponentInstaller> installers = new LinkedHashMap<>();
    private HealthRunner health;
    private TrustStore trust;
    private Clock clock = Clock.systemUTC();
    private Path stateDir;
    private String deviceId;
    private String deviceType;
    private Map<String, String> tags = Map.of();
    private Version factoryVersion;
    private long factorySequence;
    private long factoryFirmwareSize;
    private Version agentVersion;
    private RebootHandler rebootHandler;
    private Supplier<Slot> bootedSlot;
    private int maxRebootAttempts = 2;
    private int commitAttempts = 3;
    private Duration backoff = Duration.ofSeconds(30);
    private Duration maxBackoff = Duration.ofHours(1);
    private RandomGenerator reportJitter;
    private Consumer<String> journalProbe = step -> {};

    private Builder() {}

    /** Sets an observer of journal writes; for the power-cut tests of this package only. */
    Builder journalProbe(Consumer<String> probe) {
      this.journalProbe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Sets the connection to the controller.
     *
     * @param value the transport
     * @return this builder
     */
    public Builder transport(TransportClient value) {
      this.transport = Objects.requireNonNull(value, "transport");
      return this;
    }

    /**
     * Sets the boot scheme over the device's boot environment (needed for firmware components).
     *
     * @param value the scheme
     * @return this builder
     */
    public Builder bootScheme(BootScheme value) {
      this.scheme = Objects.requireNonNull(value, "bootScheme");
      return this;
    }

    /**
     * Sets the boot environment, used with the default variable names.
     *
     * @param value the environment
     * @return this builder
     */
    public Builder bootEnv(BootEnv value) {
      return bootScheme(BootScheme.of(Objects.requireNonNull(value, "bootEnv")));
    }

    /**
     * Sets the slot storage (needed for firmware components).
     *
     * @param value the backend
     * @return this builder
     */
    public Builder partitions(PartitionBackend value) {
      this.partitions = Objects.requireNonNull(value, "partitions");
      return this;
    }

    /**
     * Registers an installer for its component type; firmware is built in.
     *
     * @param value the installer
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} for the type {@code firmware} or a type
     *     registered twice
     */
    public Builder installer(ComponentInstaller value) {
      Objects.requireNonNull(value, "installer");
      String type = value.type();
      if (type == null || type.equals(Component.TYPE_FIRMWARE) || installers.containsKey(type)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            type,
            "installer type: expected a new type other than firmware, found '" + type + "'");
      }
      installers.put(type, value);
      return this;
    }

    /**
     * Sets the health runner used after a trial boot.
     *
     * @param value the runner
     * @return this builder
     */
    public Builder healthRunner(HealthRunner value) {
      this.health = Objects.requireNonNull(value, "healthRunner");
      return this;
    }

    /**
     * Sets the health checks, run by a runner with its defaults and the clock set so far (set the
     * clock first).
     *
     * @param checks the checks; may be empty (then every trial counts as healthy)
     * @return this builder
     */
    public Builder healthChecks(List<? extends HealthCheck> checks) {
      this.health = HealthRunner.builder().checks(checks).clock(clock).build();
      return this;
    }

    /**
     * Sets the trust store manifests are verified against.
     *
     * @param value the trust store
     * @return this builder
     */
    public Builder trustStore(TrustStore value) {
      this.trust = Objects.requireNonNull(value, "trustStore");
      return this;
    }

    /**
     * Sets the clock (expiry, report times, backoff).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the directory holding the journal, outbox, downloads and installer work data.
     *
     * @param value a directory on persistent storage
     * @return this builder
     */
    public Builder stateDirectory(Path value) {
      this.stateDir = Objects.requireNonNull(value, "stateDirectory");
      return this;
    }

    /**
     * Sets who the device is.
     *
     * @param id the device id
     * @param type the device type, matched against {@code targetDeviceTypes}
     * @param deviceTags labels for rollout targeting
     * @return this builder
     */
    public Builder device(String id, String type, Map<String, String> deviceTags) {
      this.deviceId = id;
      this.deviceType = type;
      this.tags = deviceTags == null ? Map.of() : Map.copyOf(deviceTags);
      return this;
    }

    /**
     * Sets what the device runs before its first journaled update.
     *
     * @param version the version installed at the factory
     * @param sequence the release sequence installed at the factory (0 when unknown)
     * @return this builder
     */
    public Builder factoryRelease(Version version, long sequence) {
      this.factoryVersion = Objects.requireNonNull(version, "version");
      this.factorySequence = sequence;
      return this;
    }

    /**
     * Sets the byte size of the firmware image installed at the factory, so that a delta's base can
     * be recognised before the first update; by default the whole slot is hashed.
     *
     * @param bytes the image size, or 0 when unknown
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} for a negative size
     */
    public Builder factoryFirmwareSize(long bytes) {
      this.factoryFirmwareSize = Arguments.nonNegative("factoryFirmwareSize", bytes, "byte count");
      return this;
    }

    /**
     * Sets the agent's own version, checked against {@code minAgentVersion}.
     *
     * @param value the version
     * @return this builder
     */
    public Builder agentVersion(Version value) {
      this.agentVersion = Objects.requireNonNull(value, "agentVersion");
      return this;
    }

    /**
     * Sets how reboots are requested.
     *
     * @param value the handler, for example {@link RebootHandler#command}
     * @return this builder
     */
    public Builder rebootHandler(RebootHandler value) {
      this.rebootHandler = Objects.requireNonNull(value, "rebootHandler");
      return this;
    }

    /**
     * Sets where the booted slot is learned, for example the kernel command line; by default it is
     * derived from the boot environment when the agent starts.
     *
     * @param value the source
     * @return this builder
     */
    public Builder bootedSlot(Supplier<Slot> value) {
      this.bootedSlot = Objects.requireNonNull(value, "bootedSlot");
      return this;
    }

    /**
     * Sets the outbox's retry backoff; each delay is drawn with jitter from half the nominal delay
     * up to the nominal delay (see {@link StatusOutbox}).
     *
     * @param initial the nominal delay after the first failed delivery
     * @param max the largest delay
     * @return this builder
     */
    public Builder reportBackoff(Duration initial, Duration max) {
      this.backoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the random source of the outbox's backoff jitter; by default {@link
     * StatusOutbox#defaultJitter()}. Tests pass a seeded generator to make delays reproducible.
     *
     * @param value the random source; used only by the agent's own thread
     * @return this builder
     */
    public Builder reportJitter(RandomGenerator value) {
      this.reportJitter = Objects.requireNonNull(value, "reportJitter");
      return this;
    }

    /**
     * Sets how often one start retries a failed commit write before leaving it to the next start.
     *
     * @param attempts at least 1
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} below 1
     */
    public Builder commitAttempts(int attempts) {
      if (attempts < 1) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            String.valueOf(attempts),
            "commitAttempts: expected at least 1, found " + attempts);
      }
      this.commitAttempts = attempts;
      return this;
    }

    /**
     * Sets how often a trial reboot is requested before the update fails.
     *
     * @param attempts at least 1
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} below 1
     */
    public Builder maxRebootAttempts(int attempts) {
      if (attempts < 1) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            String.valueOf(attempts),
            "maxRebootAttempts: expected at least 1, found " + attempts);
      }
      this.maxRebootAttempts = attempts;
      return this;
    }

    /**
     * Builds the agent; nothing is read or written yet.
     *
     * @return the agent
     * @throws OtaException with {@code INVALID_ARGUMENT} naming the first missing setting
     */
    public UpdateAgent build() {
      require("transport", transport);
      require("healthRunner", health);
      require("trustStore", trust);
      require("stateDirectory", stateDir);
      require("device", deviceId);
      require("deviceType", deviceType);
      require("factoryRelease", factoryVersion);
      require("agentVersion", agentVersion);
      require("rebootHandler", rebootHandler);
      if ((scheme == null) != (partitions == null)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            scheme == null ? "bootScheme" : "partitions",
            "bootScheme and partitions: expected both or neither, found one");
      }
      return new UpdateAgent(this);
    }

    private static void require(String field, Object value) {
      if (value == null) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT, field, field + ": expected a value, found none");
      }
    }
  }
}
