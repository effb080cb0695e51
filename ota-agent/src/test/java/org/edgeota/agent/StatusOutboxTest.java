package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.HttpTransportClient;
import org.edgeota.download.RetryPolicy;
import org.edgeota.download.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusOutboxTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final long JITTER_SEED = 42;

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);

  @Test
  void deliver_controllerRejectsThreeTimes_deliversOnceWithSameIdAfterBackoff() {
    StatusOutbox outbox = open();
    RejectingTransport transport = new RejectingTransport(3);
    outbox.enqueue(report("r-1", UpdateState.COMMITTED));

    List<Integer> deliveredPerTry = new ArrayList<>();
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      deliveredPerTry.add(outbox.deliver(transport));
      Duration wait =
          outbox.nextAttemptAt().map(t -> Duration.between(clock.instant(), t)).orElse(null);
      waits.add(wait);
      if (wait != null) {
        assertThat(open().deliver(transport)).as("no attempt before the backoff ends").isZero();
        clock.advance(wait);
      }
    }

    assertThat(deliveredPerTry).containsExactly(0, 0, 0, 1);
    assertThat(waits).hasSize(4).endsWith((Duration) null);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(waits.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(transport.seenIds).containsExactly("r-1", "r-1", "r-1", "r-1");
    assertThat(outbox.pending()).isEmpty();
  }

  @Test
  void open_afterRestart_keepsPendingReportsAndAttempts() {
    StatusOutbox first = open();
    first.enqueue(report("r-1", UpdateState.FAILED));
    first.enqueue(report("r-2", UpdateState.IDLE));
    first.deliver(new RejectingTransport(100));

    StatusOutbox second = open();

    assertThat(second.pending()).extracting(StatusReport::reportId).containsExactly("r-1", "r-2");
    assertThat(second.attempts("r-1")).contains(1);
    assertThat(second.pending().get(0).state()).isEqualTo(UpdateState.FAILED);
    assertThat(second.pending().get(0).reason()).isEqualTo("INSTALL_FAILED");
  }

  @Test
  void enqueue_sameReportIdTwice_keepsOneReport() {
    StatusOutbox outbox = open();

    outbox.enqueue(report("r-1", UpdateState.COMMITTED));
    outbox.enqueue(report("r-1", UpdateState.COMMITTED));

    assertThat(outbox.pending()).hasSize(1);
  }

  @Test
  void deliver_ackForAnotherId_keepsReportPending() {
    StatusOutbox outbox = open();
    outbox.enqueue(report("r-1", UpdateState.COMMITTED));
    TransportClient wrongAck =
        new RejectingTransport(0) {
          @Override
          public StatusAck report(StatusReport report) {
            return new StatusAck("other", false);
          }
        };

    int delivered = outbox.deliver(wrongAck);

    assertThat(delivered).isZero();
    assertThat(outbox.pending()).hasSize(1);
  }

  @Test
  void deliver_severalReports_keepsOrder() {
    StatusOutbox outbox = open();
    for (int i = 0; i < 5; i++) {
      outbox.enqueue(report("r-" + i, UpdateState.FAILED));
    }
    RejectingTransport transport = new RejectingTransport(0);

    int delivered = outbox.deliver(transport);

    assertThat(delivered).isEqualTo(5);
    assertThat(transport.seenIds).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4");
  }

  /**
   * Regression: delivery stopped at the first unacknowledged report, so one report the controller
   * refused for good (HTTP 400) blocked every later report forever. Now the refused report is moved
   * to {@code rejected/} after three refusals, kept on disk and listed, and the later reports are
   * delivered in their order.
   */
  @Test
  void deliver_reportRefusedPermanently_movesItAsideAfterThreeRefusalsAndDeliversTheRest() {
    StatusOutbox outbox = open();
    outbox.enqueue(report("r-bad", UpdateState.FAILED));
    outbox.enqueue(report("r-2", UpdateState.COMMITTED));
    outbox.enqueue(report("r-3", UpdateState.IDLE));
    StatusTransport transport = new StatusTransport(Map.of("r-bad", "400"));

    List<Integer> deliveredPerTry = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      deliveredPerTry.add(outbox.deliver(transport));
      outbox.nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
    }

    assertThat(deliveredPerTry).containsExactly(0, 0, 2);
    assertThat(transport.seenIds).containsExactly("r-bad", "r-bad", "r-bad", "r-2", "r-3");
    assertThat(outbox.pending()).isEmpty();
    assertThat(outbox.rejected()).hasSize(1);
    StatusOutbox.RejectedReport rejected = outbox.rejected().get(0);
    assertThat(rejected.report().reportId()).isEqualTo("r-bad");
    assertThat(rejected.report().state()).isEqualTo(UpdateState.FAILED);
    assertThat(rejected.rejections()).isEqualTo(3);
    assertThat(rejected.reason()).contains("400");
    assertThat(dir.resolve("rejected")).isDirectoryContaining(p -> p.toString().contains("r-bad"));
  }

  /**
   * Regression companion: transient failures (5xx, 401 after a token rotation, 429, network) must
   * never move a report aside, however often they happen; the report keeps blocking later ones so
   * that order is kept.
   */
  @Test
  void deliver_transientFailuresManyTimes_keepsReportFirstInLine() {
    StatusOutbox outbox = open();
    outbox.enqueue(report("r-1", UpdateState.FAILED));
    outbox.enqueue(report("r-2", UpdateState.COMMITTED));
    List<RuntimeException> failures =
        List.of(
            new OtaException(ReasonCode.HTTP_STATUS, "503", "expected 200, found 503"),
            new OtaException(ReasonCode.AUTH_REJECTED, "401", "expected access, found 401"),
            new OtaException(ReasonCode.HTTP_STATUS, "429", "expected 200, found 429"),
            new OtaException(ReasonCode.TRANSPORT_ERROR, "uri", "connection refused"),
            new OtaException(ReasonCode.WIRE_MALFORMED, "x", "undecodable answer"),
            new IllegalStateException("boom"));
    int delivered = 0;

    for (RuntimeException failure : failures) {
      delivered += outbox.deliver(throwing(failure));
      outbox.nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
    }

    assertThat(delivered).isZero();
    assertThat(outbox.rejected()).isEmpty();
    assertThat(outbox.pending()).extracting(StatusReport::reportId).containsExactly("r-1", "r-2");
    assertThat(outbox.attempts("r-1")).contains(failures.size());
  }

  @Test
  void deliver_permanentRefusalCount_survivesRestart() {
    open().enqueue(report("r-bad", UpdateState.FAILED));
    StatusTransport transport = new StatusTransport(Map.of("r-bad", "422"));
    for (int i = 0; i < 2; i++) {
      open().deliver(transport);
      open().nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
    }

    open().deliver(transport);

    assertThat(open().pending()).isEmpty();
    assertThat(open().rejected()).extracting(r -> r.report().reportId()).containsExactly("r-bad");
  }

  @Test
  void enqueue_idAlreadyRejected_doesNotQueueItAgain() {
    StatusOutbox outbox = open();
    outbox.enqueue(report("r-bad", UpdateState.FAILED));
    StatusTransport transport = new StatusTransport(Map.of("r-bad", "404"));
    for (int i = 0; i < 3; i++) {
      outbox.deliver(transport);
      outbox.nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
    }

    outbox.enqueue(report("r-bad", UpdateState.FAILED));

    assertThat(outbox.pending()).isEmpty();
    assertThat(outbox.rejected()).hasSize(1);
  }

  /**
   * The same defect through the SDK's real HTTP transport against a controller on the loopback
   * interface: the controller answers 409 for one report (say its id was stored with another body)
   * and 401 once for another (a rotated token). The 409 report ends in {@code rejected/} after
   * three refusals; the 401 one is retried and delivered; nothing is lost.
   */
  @Test
  void deliver_overHttp_conflictIsRejectedAfterThreeTriesAndUnauthorizedIsRetried()
      throws Exception {
    AtomicInteger unauthorizedLeft = new AtomicInteger(1);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/updates/status",
        ex -> {
          StatusReport r =
              WireJson.fromJson(ex.getRequestBody().readAllBytes(), StatusReport.class);
          byte[] body = new byte[0];
          int status;
          if (r.reportId().equals("r-conflict")) {
            status = 409;
          } else if (r.reportId().equals("r-auth") && unauthorizedLeft.getAndDecrement() > 0) {
            status = 401;
          } else {
            acknowledged.add(r.reportId());
            status = 200;
            body = WireJson.toJsonBytes(new StatusAck(r.reportId(), false));
          }
          ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          try (var out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      HttpTransportClient http =
          HttpTransportClient.builder()
              .baseUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
              .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      StatusOutbox outbox = open();
      outbox.enqueue(report("r-conflict", UpdateState.FAILED));
      outbox.enqueue(report("r-auth", UpdateState.COMMITTED));
      outbox.enqueue(report("r-last", UpdateState.IDLE));

      for (int i = 0; i < 5; i++) {
        outbox.deliver(http);
        outbox.nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
      }

      assertThat(acknowledged).containsExactly("r-auth", "r-last");
      assertThat(outbox.pending()).isEmpty();
      assertThat(outbox.rejected())
          .extracting(r -> r.report().reportId())
          .containsExactly("r-conflict");
      assertThat(outbox.rejected().get(0).reason()).contains("409");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void isPermanentRejection_classifiesStatusesAndReasonCodes() {
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "400"))).isTrue();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "404"))).isTrue();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "409"))).isTrue();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "408"))).isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "429"))).isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, "500"))).isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.AUTH_REJECTED, "401")))
        .isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.AUTH_REJECTED, "403")))
        .isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.WIRE_MALFORMED, "400")))
        .isFalse();
    assertThat(StatusOutbox.isPermanentRejection(status(ReasonCode.HTTP_STATUS, null))).isFalse();
  }

  private static OtaException status(ReasonCode code, String value) {
    return new OtaException(code, value, "status " + value);
  }

  private static TransportClient throwing(RuntimeException failure) {
    return new RejectingTransport(0) {
      @Override
      public StatusAck report(StatusReport report) {
        throw failure;
      }
    };
  }

  /** Refuses the listed report ids with a fixed HTTP status each time, acknowledges the rest. */
  static final class StatusTransport extends RejectingTransport {
    private final Map<String, String> refusals;

    StatusTransport(Map<String, String> refusals) {
      super(0);
      this.refusals = refusals;
    }

    @Override
    public StatusAck report(StatusReport report) {
      String status = refusals.get(report.reportId());
      if (status != null) {
        seenIds.add(report.reportId());
        throw new OtaException(
            ReasonCode.HTTP_STATUS, status, "expected a successful answer, found HTTP " + status);
      }
      return super.report(report);
    }
  }

  @Test
  void backoff_manyFailures_isCappedAtMaximum() {
    StatusOutbox outbox = open();

    Duration nominal = outbox.nominalBackoff(40);
    Duration d = outbox.backoff(40);

    assertThat(nominal).isEqualTo(Duration.ofMinutes(5));
    assertThat(d).isBetween(Duration.ofSeconds(150), Duration.ofMinutes(5));
  }

  @Test
  void backoff_differentSeeds_produceDifferentDelaySequences() {
    StatusOutbox first = openWithSeed(1);
    StatusOutbox second = openWithSeed(2);

    List<Duration> firstDelays = delays(first, 12);
    List<Duration> secondDelays = delays(second, 12);

    assertThat(firstDelays).isNotEqualTo(secondDelays);
  }

  @Test
  void backoff_sameSeed_producesTheSameDelaySequence() {
    StatusOutbox first = openWithSeed(7);
    StatusOutbox second = openWithSeed(7);

    List<Duration> firstDelays = delays(first, 12);
    List<Duration> secondDelays = delays(second, 12);

    assertThat(firstDelays).isEqualTo(secondDelays);
  }

  /**
   * Regression: the backoff had no jitter, so every device that lost the controller at the same
   * instant retried at the same instants. Outboxes with different random sources must now spread
   * their retries over the window below the nominal delay.
   */
  @Test
  void backoff_fleetOfOutboxes_spreadsRetriesOverTheWindow() {
    List<Duration> thirdDelays = new ArrayList<>();

    for (long seed = 0; seed < 50; seed++) {
      thirdDelays.add(openWithSeed(seed).backoff(3));
    }

    assertThat(thirdDelays)
        .allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
    assertThat(thirdDelays.stream().distinct().count()).isGreaterThan(40);
  }

  private static List<Duration> delays(StatusOutbox outbox, int attempts) {
    List<Duration> out = new ArrayList<>();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      out.add(outbox.backoff(attempt));
    }
    return out;
  }

  private StatusOutbox open() {
    return openWithSeed(JITTER_SEED);
  }

  private StatusOutbox openWithSeed(long seed) {
    return StatusOutbox.open(
        dir, clock, Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(seed));
  }

  private StatusReport report(String id, UpdateState state) {
    return new StatusReport(
        id, "dev-1", "ro-1", "2.0.0", state, "INSTALL_FAILED", "detail", clock.instant());
  }

  /** Rejects the first n reports, then acknowledges. */
  static class RejectingTransport implements TransportClient {
    final List<String> seenIds = new ArrayList<>();
    private int rejectionsLeft;

    RejectingTransport(int rejections) {
      this.rejectionsLeft = rejections;
    }

    @Override
    public CheckResponse checkIn(CheckRequest request) {
      return CheckResponse.noUpdate(60);
    }

    @Override
    public Path download(ArtifactRequest request, Path target, DownloadProgress.Listener l) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StatusAck report(StatusReport report) {
      seenIds.add(report.reportId());
      if (rejectionsLeft > 0) {
        rejectionsLeft--;
        throw new OtaException(ReasonCode.HTTP_STATUS, "503", "expected 200, found 503");
      }
      return new StatusAck(report.reportId(), false);
    }
  }
}
