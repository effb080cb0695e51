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
 * restarts. Enqueueing a report id that is already waiting is a no-op, which makes "enqueue again
 * after a crash" safe; the controller counts a report id once, so a report delivered again after a
 * crash between acknowledgement and deletion is harmless.
 *
 * <p>Note: the backoff has no jitter; a fleet that loses its controller at the same instant retries
 * in step.
 */
public final class StatusOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(StatusOutbox.class);

  private final Path dir;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final ObjectMapper mapper = new ObjectMapper();

  private StatusOutbox(Path dir, Clock clock, Duration initialBackoff, Duration maxBackoff) {
    this.dir = dir;
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
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, dir.toString(), "cannot create outbox: " + e, e);
    }
    AtomicFiles.removeTemporaries(dir);
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
    long order = entries().stream().mapToLong(Entry::order).max().orElse(0) + 1;
    Entry e = new Entry(order, report, 0, 0L, dir.resolve(fileName(order, report.reportId())));
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
   * controller does not acknowledge.
   *
   * @param transport the connection to the controller
   * @return how many reports were acknowledged and removed
   * @throws OtaException with {@code IO_ERROR} when the outbox cannot be updated
   */
  public int deliver(TransportClient transport) {
    int delivered = 0;
    for (Entry e : entries()) {
      if (e.nextAttemptAtMillis() > clock.millis()) {
        break;
      }
      StatusAck ack;
      try {
        ack = transport.report(e.report());
      } catch (RuntimeException ex) {
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

  private void failed(Entry e, String why) {
    int attempts = e.attempts() + 1;
    Duration delay = backoff(attempts);
    LOG.warn(
        "outbox: report {} not acknowledged (attempt {}), retry in {}: {}",
        e.report().reportId(),
        attempts,
        delay,
        why);
    write(new Entry(e.order(), e.report(), attempts, clock.millis() + delay.toMillis(), e.file()));
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
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !AtomicFiles.isTemporary(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, dir.toString(), "cannot list outbox: " + e, e);
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
              f));
    } catch (IOException | RuntimeException e) {
      // An undecodable report can never be delivered; keep it aside for inspection.
      Path aside = f.resolveSibling(f.getFileName() + ".corrupt");
      LOG.warn("outbox: unreadable report {} moved to {}: {}", f, aside, e.toString());
      try {
        AtomicFiles.moveAtomically(f, aside);
      } catch (IOException ex) {
        LOG.warn("outbox: cannot move {} aside: {}", f, ex.toString());
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
      long order, StatusReport report, int attempts, long nextAttemptAtMillis, Path file) {}
}
