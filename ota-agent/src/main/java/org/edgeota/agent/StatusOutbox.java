package org.edgeota.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Note: the backoff has no jitter; a fleet that loses its controller at the same instant retries
 * in step.
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
  private final ObjectMapper mapper = new ObjectMapper();

  private StatusOutbox(Path dir, Clock clock, Duration initialBackoff, Duration maxBackoff) {
    this.dir = dir;
    this.rejectedDir = dir.resolve(REJECTED_DIR);
    this.clock = clock;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Opens (and creates if needed) an outbox directory.
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
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
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
    return new StatusOutbox(dir, clock, initialBackoff, maxBackoff);
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
    return entries(rejectedDir).stream()
        .map(e -> new RejectedReport(e.report(), e.rejections(), e.lastRejection()))
        .toList();
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
   * Returns the delay after a number of failed attempts.
   *
   * @param attempts failed attempts so far, at least 1
   * @return the initial delay doubled per attempt after the first, capped
   */
  Duration backoff(int attempts) {
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
      read(f).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Entry> read(Path f) {
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
