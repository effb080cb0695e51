package org.edgeota.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.SplittableRandom;
import org.edgeota.agent.StatusOutbox;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code ota-agent outbox} commands on a state directory holding rejected reports. */
class OutboxCommandTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path tmp;

  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeConfig() throws Exception {
    config = tmp.resolve("agent.properties");
    Files.writeString(
        config,
        "device.id=gw-1\ndevice.type=gateway\nserver.url=http://127.0.0.1:9\n"
            + "server.token=t\ntrust.store=trust.json\nfw_env.config=fw_env.config\n"
            + "slot.a=a.img\nslot.b=b.img\napp.dir=app\nconfig.dir=config\nstate.dir=state\n"
            + "factory.version=1.0.0\n");
  }

  @Test
  void listRejected_twoRejected_printsOneLinePerReport() {
    reject("r-a", "r-b");

    int status = run("outbox", "list-rejected", "--config", config.toString());

    assertThat(status).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "r-a\tFAILED\t2.0.0\t3\tHTTP_STATUS: expected a successful answer, found HTTP 400",
            "r-b\tFAILED\t2.0.0\t3\tHTTP_STATUS: expected a successful answer, found HTTP 400");
  }

  /** Listing renamed unreadable files to .corrupt: a read-only command changed the disk. */
  @Test
  void listRejected_unreadableFile_isSkippedAndLeftAsItIs() throws Exception {
    reject("r-a");
    Path rejected = tmp.resolve("state/outbox/rejected");
    Path broken = Files.writeString(rejected.resolve("000000000009-broken.json"), "{\"order\":");

    int status = run("outbox", "list-rejected", "--config", config.toString());

    assertThat(status).isZero();
    assertThat(out.toString().lines()).hasSize(1).first().asString().startsWith("r-a\t");
    assertThat(broken).exists();
    assertThat(rejected.resolve("000000000009-broken.json.corrupt")).doesNotExist();
  }

  /** A mistyped state.dir made the listing create an empty outbox there. */
  @Test
  void listRejected_noOutboxAtStateDir_exitsTwoAndCreatesNothing() {
    int status = run("outbox", "list-rejected", "--config", config.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("state.dir").contains("outbox");
    assertThat(tmp.resolve("state")).doesNotExist();
  }

  @Test
  void field_tabsLineBreaksAndFormatCharacters_areEscaped() {
    assertThat(OutboxCommand.field("a\tb\nc\\d\u202ee")).isEqualTo("a\\tb\\nc\\\\d\\u202ee");
    assertThat(OutboxCommand.field(null)).isEqualTo("-");
  }

  @Test
  void requeue_withoutId_movesEveryRejectedReportBack() {
    reject("r-a", "r-b");

    int status = run("outbox", "requeue", "--config", config.toString());

    assertThat(status).isZero();
    assertThat(out.toString().lines()).containsExactly("requeued r-a", "requeued r-b");
    StatusOutbox outbox = outbox(T0);
    assertThat(outbox.rejected()).isEmpty();
    assertThat(outbox.pending()).extracting(StatusReport::reportId).containsExactly("r-a", "r-b");
  }

  @Test
  void requeue_withId_movesOnlyThatReport() {
    reject("r-a", "r-b");

    int status = run("outbox", "requeue", "--config", config.toString(), "--id", "r-b");

    assertThat(status).isZero();
    assertThat(out.toString().lines()).containsExactly("requeued r-b");
    assertThat(outbox(T0).pending()).extracting(StatusReport::reportId).containsExactly("r-b");
  }

  @Test
  void requeue_unknownId_exitsWithStatusTwoNamingTheId() {
    reject("r-a");

    int status = run("outbox", "requeue", "--config", config.toString(), "--id", "r-nope");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).startsWith("ota-agent: ").contains("'r-nope'");
    assertThat(outbox(T0).rejected()).hasSize(1);
  }

  @Test
  void run_withoutConfig_isAUsageError() {
    int status = run();

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--config");
  }

  private int run(String... args) {
    CommandLine cl = AgentMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** Enqueues the reports and has the controller refuse each one three times with HTTP 400. */
  private void reject(String... ids) {
    for (String id : ids) {
      outbox(T0)
          .enqueue(
              new StatusReport(
                  id, "gw-1", "ro-1", "2.0.0", UpdateState.FAILED, "INSTALL_FAILED", "x", T0));
    }
    TransportClient refusing = new RefusingTransport(Set.of(ids));
    for (int i = 0; i < 3 * ids.length; i++) {
      // Each round an hour later than the last: past any backoff of at most a minute.
      outbox(T0.plus(Duration.ofHours(i + 1))).deliver(refusing);
    }
    assertThat(outbox(T0).rejected()).as("arranged: all rejected").hasSize(ids.length);
  }

  private StatusOutbox outbox(Instant now) {
    return StatusOutbox.open(
        tmp.resolve("state/outbox"),
        Clock.fixed(now, ZoneOffset.UTC),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        new SplittableRandom(3));
  }

  private record RefusingTransport(Set<String> refused) implements TransportClient {
    @Override
    public CheckResponse checkIn(CheckRequest request) {
      return CheckResponse.noUpdate(60);
    }

    @Override
    public Path download(ArtifactRequest request, Path target, DownloadProgress.Listener l) {
      throw new UnsupportedOperationException("no downloads in this test");
    }

    @Override
    public StatusAck report(StatusReport report) {
      if (refused.contains(report.reportId())) {
        throw new OtaException(
            ReasonCode.HTTP_STATUS, "400", "expected a successful answer, found HTTP 400");
      }
      return new StatusAck(report.reportId(), false);
    }
  }
}
