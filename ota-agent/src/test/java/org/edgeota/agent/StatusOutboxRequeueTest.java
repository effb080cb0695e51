package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.edgeota.agent.StatusOutboxTest.RejectingTransport;
import org.edgeota.agent.StatusOutboxTest.StatusTransport;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.api.wire.StatusReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving reports the controller refused for good back into the outbox's queue. */
class StatusOutboxRequeueTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);

  @Test
  void requeueRejected_twoRejectedReports_movesBothBackInOrderAndDeliversThem() {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a", "r-b");

    List<StatusReport> moved = outbox.requeueRejected();

    assertThat(moved).extracting(StatusReport::reportId).containsExactly("r-a", "r-b");
    assertThat(outbox.rejected()).isEmpty();
    assertThat(outbox.pending()).extracting(StatusReport::reportId).containsExactly("r-a", "r-b");
    assertThat(outbox.attempts("r-a")).contains(0);
    assertThat(filesOf("r-a")).containsExactly(Place.QUEUE);
    assertThat(filesOf("r-b")).containsExactly(Place.QUEUE);
    RejectingTransport controller = new RejectingTransport(0);
    assertThat(outbox.deliver(controller)).isEqualTo(2);
    assertThat(controller.seenIds).containsExactly("r-a", "r-b");
  }

  @Test
  void requeueRejected_byId_movesOnlyThatReport() {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a", "r-b");

    var moved = outbox.requeueRejected("r-b");

    assertThat(moved).map(StatusReport::reportId).contains("r-b");
    assertThat(outbox.pending()).extracting(StatusReport::reportId).containsExactly("r-b");
    assertThat(outbox.rejected()).extracting(r -> r.report().reportId()).containsExactly("r-a");
    assertThat(filesOf("r-a")).containsExactly(Place.REJECTED);
    assertThat(filesOf("r-b")).containsExactly(Place.QUEUE);
  }

  @Test
  void requeueRejected_unknownId_throwsInvalidArgumentNamingTheId() {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a");

    assertThatThrownBy(() -> outbox.requeueRejected("r-nope"))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.offendingValue()).isEqualTo("r-nope");
              assertThat(e.getMessage()).contains("'r-nope'").contains("r-a");
            });
    assertThat(filesOf("r-a")).containsExactly(Place.REJECTED);
  }

  @Test
  void requeueRejected_idAlreadyQueued_leavesTheRejectedCopyAndQueuesNoDuplicate()
      throws IOException {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a");
    Path rejectedFile = onlyFile(dir.resolve("rejected"));
    Files.copy(rejectedFile, dir.resolve(rejectedFile.getFileName()));
    StatusOutbox restarted = open();

    List<StatusReport> movedAll = restarted.requeueRejected();
    var movedById = restarted.requeueRejected("r-a");

    assertThat(movedAll).isEmpty();
    assertThat(movedById).isEmpty();
    assertThat(restarted.pending()).extracting(StatusReport::reportId).containsExactly("r-a");
    assertThat(restarted.rejected()).extracting(r -> r.report().reportId()).containsExactly("r-a");
  }

  @Test
  void requeueRejected_byIdTwice_secondCallMovesNothing() {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a");
    outbox.requeueRejected("r-a");

    var again = outbox.requeueRejected("r-a");

    assertThat(again).isEmpty();
    assertThat(filesOf("r-a")).containsExactly(Place.QUEUE);
  }

  /**
   * The refusal count must start again after a requeue: a report that kept its three refusals would
   * be moved back to {@code rejected/} by the first refusal after the requeue.
   */
  @Test
  void requeueRejected_refusedOnceMore_staysQueuedWithOneRefusal() {
    StatusOutbox outbox = open();
    rejectForGood(outbox, "r-a");
    outbox.requeueRejected();
    StatusTransport stillRefusing = new StatusTransport(Map.of("r-a", "400"));

    outbox.deliver(stillRefusing);

    assertThat(stillRefusing.seenIds).containsExactly("r-a");
    assertThat(filesOf("r-a")).containsExactly(Place.QUEUE);
    assertThat(outbox.attempts("r-a")).contains(1);
    assertThat(outbox.rejected()).isEmpty();
  }

  /**
   * Power cut after the refusals were cleared in {@code rejected/} and before the rename: the
   * report must still be rejected (listed, not delivered), in one place only, and a second requeue
   * must move it.
   */
  @Test
  void requeueRejected_cutBeforeTheRename_leavesTheReportRejectedOnlyAndRequeueable() {
    rejectForGood(open(), "r-a");
    StatusOutbox dying = openWithProbe(cutAt("requeue rewritten r-a"));

    assertThatThrownBy(dying::requeueRejected).isInstanceOf(PowerCut.class);

    StatusOutbox restarted = open();
    assertThat(filesOf("r-a")).containsExactly(Place.REJECTED);
    assertThat(restarted.rejected()).extracting(r -> r.report().reportId()).containsExactly("r-a");
    RejectingTransport controller = new RejectingTransport(0);
    assertThat(restarted.deliver(controller)).isZero();
    assertThat(restarted.requeueRejected())
        .extracting(StatusReport::reportId)
        .containsExactly("r-a");
    assertThat(filesOf("r-a")).containsExactly(Place.QUEUE);
    assertThat(restarted.deliver(controller)).isEqualTo(1);
  }

  /**
   * Power cut right after the rename, before the directories were fsynced: the report must be
   * queued only, with its refusals cleared, so the next delivery sends it instead of moving it
   * straight back to {@code rejected/}.
   */
  @Test
  void requeueRejected_cutAfterTheRename_leavesTheReportQueuedOnlyAndDeliverable() {
    rejectForGood(open(), "r-a");
    StatusOutbox dying = openWithProbe(cutAt("requeue renamed r-a"));

    assertThatThrownBy(() -> dying.requeueRejected("r-a")).isInstanceOf(PowerCut.class);

    StatusOutbox restarted = open();
    assertThat(filesOf("r-a")).containsExactly(Place.QUEUE);
    assertThat(restarted.rejected()).isEmpty();
    RejectingTransport controller = new RejectingTransport(0);
    assertThat(restarted.deliver(controller)).isEqualTo(1);
    assertThat(controller.seenIds).containsExactly("r-a");
    assertThat(filesOf("r-a")).isEmpty();
  }

  /** Refuses the given reports with HTTP 400 until all of them are in {@code rejected/}. */
  private void rejectForGood(StatusOutbox outbox, String... ids) {
    for (String id : ids) {
      if (outbox.pending().stream().noneMatch(r -> r.reportId().equals(id))) {
        outbox.enqueue(report(id));
      }
    }
    StatusTransport transport =
        new StatusTransport(
            Arrays.stream(ids).collect(Collectors.toMap(Function.identity(), id -> "400")));
    for (int i = 0; i < 4 * ids.length; i++) {
      outbox.deliver(transport);
      outbox.nextAttemptAt().ifPresent(t -> clock.advance(Duration.between(clock.instant(), t)));
    }
    assertThat(outbox.rejected())
        .extracting(r -> r.report().reportId())
        .as("arranged: reports rejected for good")
        .contains(ids);
  }

  private enum Place {
    QUEUE,
    REJECTED
  }

  /** Where files of a report are on disk: one entry per file found. */
  private List<Place> filesOf(String id) {
    return Stream.concat(
            reportFiles(dir, id).map(p -> Place.QUEUE),
            reportFiles(dir.resolve("rejected"), id).map(p -> Place.REJECTED))
        .toList();
  }

  private static Stream<Path> reportFiles(Path folder, String id) {
    try (Stream<Path> s = Files.list(folder)) {
      return s
          .filter(p -> p.getFileName().toString().endsWith("-" + id + ".json"))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path onlyFile(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(files).hasSize(1);
      return files.get(0);
    }
  }

  private StatusOutbox open() {
    return openWithProbe(step -> {});
  }

  private StatusOutbox openWithProbe(Consumer<String> probe) {
    return StatusOutbox.open(
        dir, clock, Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(11), probe);
  }

  private static Consumer<String> cutAt(String step) {
    return s -> {
      if (s.equals(step)) {
        throw new PowerCut(step);
      }
    };
  }

  private StatusReport report(String id) {
    return new StatusReport(
        id, "dev-1", "ro-1", "2.0.0", UpdateState.FAILED, "INSTALL_FAILED", "detail", T0);
  }

  /** The process dying at a step of the requeue. */
  private static final class PowerCut extends Error {
    private static final long serialVersionUID = 1L;

    PowerCut(String where) {
      super(where, null, false, false);
    }
  }
}
