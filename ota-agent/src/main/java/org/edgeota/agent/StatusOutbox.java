package org.edgeota.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.edgeota.agent.internal.AtomicFiles;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status reports waiting on disk until the controller acknowledges them.
 *
 * <p>Design notes. Each report is one file {@code <order>-<reportId>.json} in the outbox directory,
 * written durably; it is deleted only after the controller acknowledged that very report id.
 * Delivery keeps the order of enqueueing and stops at the first failure, so a controller that is
 * down is not hammered; the failed report's next attempt is pushed back by an exponential backoff
 * (initial delay doubled per failed attempt up to a cap), stored in the file so that it survives
 * restarts. Enqueueing a report id that is already waiting (or already rejected) is a no-op, which
 * makes "enqueue again after a crash" safe; the controller counts a report id once, so a report
 * delivered again after a crash between acknowledgement and deletion is harmless.
 *
 * <p>A report the controller refuses for good (an HTTP {@code 4xx} other than {@code 401}, {@code
 * 403}, {@code 408}, {@code 425} and {@code 429}, see {@link
 * #isPermanentRejection(RuntimeException)}) would otherwise block every later report forever. Such
 * a refusal is counted in the report's file; after {@link #MAX_PERMANENT_REJECTIONS} of them the
 * report is moved, by one atomic rename followed by an fsync of both directories, into the {@code
 * rejected/} sub-directory of the outbox, logged at ERROR with its id and the controller's reason,
 * listed by {@link #rejected()}, and delivery goes on with the next report. Nothing is deleted that
 * the controller did not acknowledge. Every other failure (network, {@code 5xx}, {@code 401} after
 * a token rotation, {@code 429}, an answer the agent cannot read) is transient: the report stays
 * first in line and is retried with backoff.
 *
 * <p>Backoff jitter. Without it, every device of a fleet that lost its controller at the same
 * instant would retry at the same instants too, and the recovering controller would be hit by the
 * whole fleet at once, again and again. Each delay is therefore drawn at random ("equal jitter"):
 * with the nominal delay {@code n} (initial delay doubled per failed attempt, capped), the delay is
 * uniform in {@code [n/2, n]} at millisecond resolution. Equal jitter was chosen over "full jitter"
 * (uniform in {@code [0, n]}) because it keeps a floor that grows with the failures: with full
 * jitter a device can draw a delay near zero even after many failures and retry at its next
 * opportunity, so the backoff would stop protecting a controller that is down; equal jitter keeps
 * at least half the nominal delay while the window of width {@code n/2} still spreads the fleet
 * over an interval that grows with the backoff. The cap is kept: no delay exceeds {@code
 * maxBackoff}. The random source is injected ({@link #open(Path, Clock, Duration, Duration,
 * RandomGenerator)}); by default it is a {@link SecureRandom}, seeded by the operating system, so
 * that devices booting the same image with the same clock still draw different delays. Tests pass a
 * seeded generator.
 *
 * <p>Requeueing. A report in {@code rejected/} can be put back in line with {@link
 * #requeueRejected()} or {@link #requeueRejected(String)}, for example after the controller was
 * fixed. Each report is handled on its own, in two durable steps: its file is first rewritten in
 * {@code rejected/} with its refusal count, attempts and backoff cleared (an atomic write), then
 * renamed into the outbox directory under its original name and both directories are fsynced. A
 * crash after the first step leaves a rejected report that is listed and can be requeued again; a
 * crash after the rename leaves a queued report. The file is never in both directories and never
 * lost. The report keeps its original place in line (its order number), ahead of reports enqueued
 * after it. A report whose id is already queued is left in {@code rejected/} and not duplicated.
 *
 * <p>Note: the outbox is not shared between processes; list or requeue while the agent that
 * delivers from the same directory is stopped (opening the outbox removes temporary files of
 * interrupted writes, which may be another process's write in progress).
 */
public final class StatusOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(StatusOutbox.class);

  /** How many permanent refusals of one report move it to {@code rejected/}. */
  public static final int MAX_PERMANENT_REJECTIONS = 3;

  private static final String REJECTED_DIR = "rejected";

  private final Path dir;
  private final Path rejectedDir;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final RandomGenerator jitter;
  private final Consumer<String> probe;
  private final ObjectMapper mapper = new ObjectMapper();

  private StatusOutbox(
      Path dir,
      Clock clock,
      Duration initialBackoff,
      Duration maxBackoff,
      RandomGenerator jitter,
      Consumer<String> probe) {
    this.dir = dir;
    this.rejectedDir = dir.resolve(REJECTED_DIR);
    this.clock = clock;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.jitter = jitter;
    this.probe = probe;
  }

  /**
   * Opens (and creates if needed) an outbox directory whose backoff jitter is drawn from a fresh
   * {@link SecureRandom}.
   *
   * @param dir the directory holding the pending reports
   * @param clock the clock for backoff decisions
   * @param initialBackoff the delay after the first failed attempt; positive
   * @param maxBackoff the largest delay between attempts; not below {@code initialBackoff}
   * @return the outbox
   * @throws OtaException with {@code INVALID_ARGUMENT} for a bad backoff, or {@code IO_ERROR}
   */
  public static StatusOutbox open(
      Path dir, Clock clock, Duration initialBackoff, Duration maxBackoff) {
    return open(dir, clock, initialBackoff, maxBackoff, defaultJitter());
  }

  /**
   * Opens (and creates if needed) an outbox directory with a given source of backoff jitter.
   *
   * <p>Note: the outbox draws from {@code jitter} only inside {@link #deliver(TransportClient)}; a
   * generator that other threads use at the same time must be thread-safe.
   *
   * @param dir the directory holding the pending reports
   * @param clock the clock for backoff decisions
   * @param initialBackoff the nominal delay after the first failed attempt; positive
   * @param maxBackoff the largest delay between attempts; not below {@code initialBackoff}
   * @param jitter the random source of the jitter, for example a seeded generator in tests
   * @return the outbox
   * @throws OtaException with {@code INVALID_ARGUMENT} for a bad backoff, or {@code IO_ERROR}
   */
  public static StatusOutbox open(
      Path dir, Clock clock, Duration initialBackoff, Duration maxBackoff, RandomGenerator jitter) {
    return open(dir, clock, initialBackoff, maxBackoff, jitter, step -> {});
  }

  /**
   * Returns the default source of backoff jitter: a {@link SecureRandom} seeded by the operating
   * system, so that devices started from the same image at the same time draw different delays.
   *
   * @return a new random source
   */
  public static RandomGenerator defaultJitter() {
    return new SecureRandom();
  }

  /** Opens an outbox whose durable steps are reported to a probe; for this package's tests. */
  static StatusOutbox open(
      Path dir,
      Clock clock,
      Duration initialBackoff,
      Duration maxBackoff,
      RandomGenerator jitter,
      Consumer<String> probe) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(probe, "probe");
    if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(initialBackoff),
          "initialBackoff: expected a positive duration, found " + initialBackoff);
    }
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(maxBackoff),
          "maxBackoff: expected at least " + initialBackoff + ", found " + maxBackoff);
    }
    try {
      Files.createDirectories(dir.resolve(REJECTED_DIR));
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, dir.toString(), "cannot create outbox: " + e, e);
    }
    AtomicFiles.removeTemporaries(dir);
    AtomicFiles.removeTemporaries(dir.resolve(REJECTED_DIR));
    return new StatusOutbox(dir, clock, initialBackoff, maxBackoff, jitter, probe);
  }

  /**
   * Stores a report durably for delivery; a report id already waiting is left as it is.
   *
   * @param report the report
   * @throws OtaException with {@code IO_ERROR}
   */
  public void enqueue(StatusReport report) {
    Objects.requireNonNull(report, "report");
    if (find(report.reportId()).isPresent()) {
      return;
    }
    List<Entry> rejected = entries(rejectedDir);
    if (rejected.stream().anyMatch(e -> e.report().reportId().equals(report.reportId()))) {
      LOG.info("outbox: report {} was rejected by the controller already", report.reportId());
      return;
    }
    long order =
        Stream.concat(entries(dir).stream(), rejected.stream())
                .mapToLong(Entry::order)
                .max()
                .orElse(0)
            + 1;
    Entry e =
        new Entry(order, report, 0, 0L, 0, null, dir.resolve(fileName(order, report.reportId())));
    write(e);
    LOG.info(
        "outbox: queued report {} ({} {})", report.reportId(), report.state(), report.version());
  }

  /**
   * Returns the reports not yet acknowledged, oldest first.
   *
   * @return the pending reports
   */
  public List<StatusReport> pending() {
    return entries().stream().map(Entry::report).toList();
  }

  /**
   * Returns the reports the controller refused permanently, oldest first; they are kept on disk and
   * never sent again.
   *
   * @return the rejected reports with the controller's last reason
   * @throws OtaException with {@code IO_ERROR} when the rejected directory cannot be listed
   */
  public List<RejectedReport> rejected() {
    if (!Files.isDirectory(rejectedDir)) {
      return List.of();
    }
    return entries(rejectedDir, false).stream()
        .map(e -> new RejectedReport(e.report(), e.rejections(), e.lastRejection()))
        .toList();
  }

  /**
   * Puts every rejected report back in line, oldest first; see the class notes for the steps and
   * what a crash leaves.
   *
   * <p>Each report gets a clean slate: no refusals, no failed attempts, and it may be delivered at
   * once. A report whose id is already queued stays in {@code rejected/} (logged at WARN) and is
   * not duplicated.
   *
   * @return the reports moved back into the queue, oldest first
   * @throws OtaException with {@code IO_ERROR} when a file cannot be rewritten or renamed; the
   *     reports moved before stay queued, that one and the rest stay rejected
   */
  public List<StatusReport> requeueRejected() {
    List<StatusReport> moved = new ArrayList<>();
    Set<String> queued = queuedIds();
    for (Entry e : entries(rejectedDir)) {
      requeue(e, queued).ifPresent(moved::add);
    }
    return moved;
  }

  /**
   * Puts one rejected report back in line; see {@link #requeueRejected()}.
   *
   * @param reportId the id of a rejected report
   * @return the report moved back into the queue, or empty when a report with that id is already
   *     queued (a rejected copy, if any, then stays in {@code rejected/})
   * @throws OtaException with {@code INVALID_ARGUMENT} naming the id when no report with that id is
   *     rejected or queued, or {@code IO_ERROR} when the file cannot be rewritten or renamed (it
   *     then stays rejected)
   */
  public Optional<StatusReport> requeueRejected(String reportId) {
    Objects.requireNonNull(reportId, "reportId");
    List<Entry> rejected = entries(rejectedDir);
    Optional<Entry> match =
        rejected.stream().filter(e -> e.report().reportId().equals(reportId)).findFirst();
    Set<String> queued = queuedIds();
    if (match.isEmpty()) {
      if (queued.contains(reportId)) {
        LOG.info("outbox: report {} is queued already; nothing to requeue", reportId);
        return Optional.empty();
      }
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          reportId,
          "requeue: expected the id of a rejected report, found '"
              + reportId
              + "', which is neither rejected nor queued (rejected: "
              + rejected.stream().map(e -> e.report().reportId()).toList()
              + ")");
    }
    return requeue(match.get(), queued);
  }

  /** The ids of the reports in line, read once per requeue call rather than once per report. */
  private Set<String> queuedIds() {
    Set<String> ids = new HashSet<>();
    entries().forEach(e -> ids.add(e.report().reportId()));
    return ids;
  }

  /**
   * Moves one rejected report back in line, unless its id is queued already.
   *
   * @param queued the ids in line; the moved report's id is added to it
   */
  private Optional<StatusReport> requeue(Entry e, Set<String> queued) {
    String id = e.report().reportId();
    Path target = dir.resolve(e.file().getFileName());
    if (queued.contains(id) || Files.exists(target)) {
      LOG.warn("outbox: rejected report {} is queued already; left in {}", id, rejectedDir);
      return Optional.empty();
    }
    // Clear the refusals while the file is still in rejected/: renamed first, a report with three
    // refusals would be moved straight back by the next delivery after a crash.
    write(new Entry(e.order(), e.report(), 0, clock.millis(), 0, null, e.file()));
    probe.accept("requeue rewritten " + id);
    try {
      AtomicFiles.moveAtomically(e.file(), target);
      probe.accept("requeue renamed " + id);
      AtomicFiles.fsyncDirectory(dir);
      AtomicFiles.fsyncDirectory(rejectedDir);
    } catch (IOException ex) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          e.file().toString(),
          "cannot move rejected report " + id + " back to " + target + ": " + ex,
          ex);
    }
    queued.add(id);
    LOG.info(
        "outbox: rejected report {} requeued after {} refusals (last: {})",
        id,
        e.rejections(),
        e.lastRejection());
    return Optional.of(e.report());
  }

  /**
   * Returns how often delivery of a waiting report has failed.
   *
   * @param reportId the report id
   * @return the failed attempts, or empty when the report is not waiting
   */
  public Optional<Integer> attempts(String reportId) {
    return find(reportId).map(Entry::attempts);
  }

  /**
   * Returns when the oldest waiting report may be tried next.
   *
   * @return the instant, or empty when nothing is waiting
   */
  public Optional<Instant> nextAttemptAt() {
    return entries().stream().findFirst().map(e -> Instant.ofEpochMilli(e.nextAttemptAtMillis()));
  }

  /**
   * Delivers waiting reports whose backoff has elapsed, oldest first, stopping at the first one the
   * controller does not acknowledge; a report refused permanently for the {@link
   * #MAX_PERMANENT_REJECTIONS}th time is moved to {@code rejected/} and delivery goes on.
   *
   * @param transport the connection to the controller
   * @return how many reports were acknowledged and removed
   * @throws OtaException with {@code IO_ERROR} when the outbox cannot be updated
   */
  public int deliver(TransportClient transport) {
    int delivered = 0;
    for (Entry e : entries()) {
      if (e.rejections() >= MAX_PERMANENT_REJECTIONS) {
        // A cut between recording the last refusal and the move: finish the move.
        moveToRejected(e);
        continue;
      }
      if (e.nextAttemptAtMillis() > clock.millis()) {
        break;
      }
      StatusAck ack;
      try {
        ack = transport.report(e.report());
      } catch (RuntimeException ex) {
        if (isPermanentRejection(ex)) {
          Entry refused = refusedPermanently(e, ex.getMessage());
          if (refused.rejections() >= MAX_PERMANENT_REJECTIONS) {
            moveToRejected(refused);
            continue;
          }
          break;
        }
        failed(e, ex.toString());
        break;
      }
      if (ack == null || !e.report().reportId().equals(ack.reportId())) {
        failed(e, "acknowledgement names " + (ack == null ? "nothing" : ack.reportId()));
        break;
      }
      remove(e);
      delivered++;
    }
    return delivered;
  }

  /**
   * Tells whether a delivery failure is the controller refusing this very report for good, as
   * opposed to a fault that a later attempt can get past.
   *
   * <p>Permanent: an {@link OtaException} with {@link ReasonCode#HTTP_STATUS} whose offending value
   * is a {@code 4xx} status other than {@code 408}, {@code 425} and {@code 429}. Transient:
   * everything else, in particular {@link ReasonCode#AUTH_REJECTED} ({@code 401} after a token
   * rotation, {@code 403} while the device's credentials are being fixed: both concern the device,
   * not the report), {@code 5xx}, transport errors, exhausted retries and an answer that cannot be
   * read ({@link ReasonCode#WIRE_MALFORMED}).
   *
   * @param failure what {@link TransportClient#report(StatusReport)} threw
   * @return {@code true} when the report should count a permanent refusal
   */
  static boolean isPermanentRejection(RuntimeException failure) {
    if (!(failure instanceof OtaException ota) || ota.reason() != ReasonCode.HTTP_STATUS) {
      return false;
    }
    int status;
    try {
      status = Integer.parseInt(String.valueOf(ota.offendingValue()).trim());
    } catch (NumberFormatException e) {
      return false;
    }
    return status >= 400
        && status <= 499
        && status != 401
        && status != 403
        && status != 408
        && status != 425
        && status != 429;
  }

  private void failed(Entry e, String why) {
    int attempts = e.attempts() + 1;
    Duration delay = backoff(attempts);
    LOG.warn(
        "outbox: report {} not acknowledged (attempt {}), retry in {}: {}",
        e.report().reportId(),
        attempts,
        delay,
        why);
    write(
        new Entry(
            e.order(),
            e.report(),
            attempts,
            clock.millis() + delay.toMillis(),
            e.rejections(),
            e.lastRejection(),
            e.file()));
  }

  private Entry refusedPermanently(Entry e, String why) {
    int attempts = e.attempts() + 1;
    int rejections = e.rejections() + 1;
    Duration delay = backoff(attempts);
    if (rejections < MAX_PERMANENT_REJECTIONS) {
      LOG.warn(
          "outbox: report {} refused by the controller ({} of {}), retry in {}: {}",
          e.report().reportId(),
          rejections,
          MAX_PERMANENT_REJECTIONS,
          delay,
          why);
    }
    Entry refused =
        new Entry(
            e.order(),
            e.report(),
            attempts,
            clock.millis() + delay.toMillis(),
            rejections,
            why,
            e.file());
    write(refused);
    return refused;
  }

  private void moveToRejected(Entry e) {
    Path target = rejectedDir.resolve(e.file().getFileName());
    try {
      AtomicFiles.moveAtomically(e.file(), target);
      AtomicFiles.fsyncDirectory(rejectedDir);
      AtomicFiles.fsyncDirectory(dir);
    } catch (IOException ex) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          e.file().toString(),
          "cannot move refused report " + e.report().reportId() + " to " + target + ": " + ex,
          ex);
    }
    LOG.error(
        "outbox: report {} refused by the controller {} times, moved to {};"
            + " later reports go on: {}",
        e.report().reportId(),
        e.rejections(),
        target,
        e.lastRejection());
  }

  /**
   * Returns the delay after a number of failed attempts, with jitter (see the design notes).
   *
   * @param attempts failed attempts so far, at least 1
   * @return a delay drawn uniformly from {@code [n/2, n]} in whole milliseconds, where {@code n} is
   *     {@link #nominalBackoff(int)}
   */
  Duration backoff(int attempts) {
    long nominal = nominalBackoff(attempts).toMillis();
    long floor = nominal / 2;
    return Duration.ofMillis(floor + jitter.nextLong(nominal - floor + 1));
  }

  /**
   * Returns the delay before jitter after a number of failed attempts.
   *
   * @param attempts failed attempts so far, at least 1
   * @return the initial delay doubled per attempt after the first, capped at the maximum
   */
  Duration nominalBackoff(int attempts) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempts && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private void remove(Entry e) {
    try {
      Files.deleteIfExists(e.file());
      AtomicFiles.fsyncDirectory(dir);
    } catch (IOException ex) {
      throw new OtaException(
          ReasonCode.IO_ERROR, e.file().toString(), "cannot remove delivered report: " + ex, ex);
    }
    LOG.info("outbox: report {} acknowledged", e.report().reportId());
  }

  private Optional<Entry> find(String reportId) {
    return entries().stream().filter(e -> e.report().reportId().equals(reportId)).findFirst();
  }

  private List<Entry> entries() {
    return entries(dir);
  }

  private List<Entry> entries(Path folder) {
    return entries(folder, true);
  }

  /**
   * Reads the reports of a folder in order.
   *
   * @param setAside whether an unreadable report is renamed to {@code .corrupt} (delivery does; a
   *     listing only logs it and changes nothing)
   */
  private List<Entry> entries(Path folder, boolean setAside) {
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .filter(p -> !AtomicFiles.isTemporary(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, folder.toString(), "cannot list outbox: " + e, e);
    }
    List<Entry> out = new ArrayList<>();
    for (Path f : files) {
      read(f, setAside).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Entry> read(Path f, boolean setAside) {
    try {
      var root = mapper.readTree(f.toFile());
      var r = root.get("report");
      StatusReport report =
          new StatusReport(
              r.get("reportId").asText(),
              r.get("deviceId").asText(),
              textOrNull(r, "rolloutId"),
              textOrNull(r, "version"),
              UpdateState.valueOf(r.get("state").asText()),
              textOrNull(r, "reason"),
              textOrNull(r, "detail"),
              Instant.ofEpochMilli(r.get("timestampMillis").asLong()));
      return Optional.of(
          new Entry(
              root.get("order").asLong(),
              report,
              root.get("attempts").asInt(),
              root.get("nextAttemptAtMillis").asLong(),
              root.path("rejections").asInt(0),
              textOrNull(root, "lastRejection"),
              f));
    } catch (IOException | RuntimeException e) {
      if (!setAside) {
        LOG.warn("outbox: unreadable report {} skipped: {}", f, e.toString());
        return Optional.empty();
      }
      // An undecodable report can never be delivered; keep it aside for inspection. The
      // controller will not learn of it, so this is an error, not a recovered fault.
      Path aside = f.resolveSibling(f.getFileName() + ".corrupt");
      LOG.error(
          "outbox: unreadable report {} cannot be delivered; moved to {}: {}",
          f,
          aside,
          e.toString());
      try {
        AtomicFiles.moveAtomically(f, aside);
      } catch (IOException ex) {
        LOG.error("outbox: cannot move unreadable report {} aside: {}", f, ex.toString());
      }
      return Optional.empty();
    }
  }

  private static String textOrNull(com.fasterxml.jackson.databind.JsonNode n, String field) {
    var v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private void write(Entry e) {
    ObjectNode root = mapper.createObjectNode();
    root.put("order", e.order());
    root.put("attempts", e.attempts());
    root.put("nextAttemptAtMillis", e.nextAttemptAtMillis());
    root.put("rejections", e.rejections());
    root.put("lastRejection", e.lastRejection());
    ObjectNode r = root.putObject("report");
    StatusReport s = e.report();
    r.put("reportId", s.reportId());
    r.put("deviceId", s.deviceId());
    r.put("rolloutId", s.rolloutId());
    r.put("version", s.version());
    r.put("state", s.state().name());
    r.put("reason", s.reason());
    r.put("detail", s.detail());
    r.put("timestampMillis", s.timestamp().toEpochMilli());
    try {
      AtomicFiles.write(e.file(), mapper.writeValueAsBytes(root));
    } catch (IOException ex) {
      throw new OtaException(
          ReasonCode.IO_ERROR, e.file().toString(), "cannot encode report: " + ex, ex);
    }
  }

  private static String fileName(long order, String reportId) {
    String safe = reportId.replaceAll("[^A-Za-z0-9._-]", "_");
    return String.format("%012d-%s.json", order, safe);
  }

  private record Entry(
      long order,
      StatusReport report,
      int attempts,
      long nextAttemptAtMillis,
      int rejections,
      String lastRejection,
      Path file) {}

  /**
   * A report the controller refused permanently, kept in {@code rejected/} for inspection.
   *
   * @param report the report as it was enqueued
   * @param rejections how often the controller refused it permanently
   * @param reason the controller's last refusal, as the transport described it
   */
  public record RejectedReport(StatusReport report, int rejections, String reason) {}
}
