package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.ManualClock;
import org.edgeota.download.support.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level faults from a scripted loopback server: cut bodies, endless bodies. */
class TruncatedBodyTest {
  private static final int SIZE = 300_000;
  private static final int CUT = 120_000;
  private static final String ETAG = "\"t1\"";

  private final byte[] data = Artifacts.bytes(SIZE, 5);
  private final String sha = Artifacts.sha256(data);
  private final ManualClock clock = ManualClock.atNoon();

  @TempDir Path dir;

  private ResumableDownloader downloader() {
    return ResumableDownloader.builder()
        .retryPolicy(
            RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(100))
                .sleeper(clock.sleeper())
                .build())
        .clock(clock)
        .build();
  }

  private ScriptedServer.Step cutAfter(int bytes, String etag, boolean reset) {
    return (req, socket, out) -> {
      ScriptedServer.head(out, 200, "Content-Length: " + SIZE, "ETag: " + etag);
      out.write(data, 0, bytes);
      out.flush();
      pause();
      if (reset) {
        ScriptedServer.reset(socket);
      } else {
        socket.shutdownOutput();
      }
    };
  }

  private ScriptedServer.Step rest(int from) {
    return (req, socket, out) -> {
      ScriptedServer.head(
          out,
          206,
          "Content-Length: " + (SIZE - from),
          "Content-Range: bytes " + from + "-" + (SIZE - 1) + "/" + SIZE,
          "ETag: " + ETAG);
      out.write(data, from, SIZE - from);
      out.flush();
    };
  }

  /** Answers the rest of the file from the start of the range the client asked for. */
  private ScriptedServer.Step resumeFromRequestedRange() {
    return (req, socket, out) -> rest(rangeStart(req)).answer(req, socket, out);
  }

  private ArtifactRequest requestTo(ScriptedServer server) {
    return new ArtifactRequest(server.uri("/a.bin"), SIZE, sha);
  }

  private ScriptedServer.Step whole() {
    return (req, socket, out) -> {
      ScriptedServer.head(out, 200, "Content-Length: " + SIZE, "ETag: " + ETAG);
      out.write(data);
      out.flush();
    };
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int rangeStart(ScriptedServer.Request r) {
    String range = r.headers().get("range");
    return Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
  }

  @Test
  void download_bodyCutShortWithCleanClose_resumesWithRangeFromWhatWasKept() throws Exception {
    ScriptedServer.Step resume = resumeFromRequestedRange();
    try (ScriptedServer server = new ScriptedServer(List.of(cutAfter(CUT, ETAG, false), resume))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      List<ScriptedServer.Request> seen = server.requests();
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0).headers()).doesNotContainKey("range");
      assertThat(seen.get(1).headers()).containsEntry("if-range", ETAG);
      assertThat(rangeStart(seen.get(1))).isPositive().isLessThanOrEqualTo(CUT);
    }
  }

  @Test
  void download_bodyCutShortByReset_resumesWithRange() throws Exception {
    ScriptedServer.Step resume = resumeFromRequestedRange();
    try (ScriptedServer server = new ScriptedServer(List.of(cutAfter(CUT, ETAG, true), resume))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void download_closeDelimitedBodyEndingEarly_isTreatedAsTruncatedAndResumed() throws Exception {
    ScriptedServer.Step shortBody =
        (req, socket, out) -> {
          ScriptedServer.head(out, 200, "ETag: " + ETAG);
          out.write(data, 0, CUT);
          out.flush();
          socket.shutdownOutput();
        };
    ScriptedServer.Step resume = resumeFromRequestedRange();
    try (ScriptedServer server = new ScriptedServer(List.of(shortBody, resume))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      assertThat(rangeStart(server.requests().get(1))).isEqualTo(CUT);
    }
  }

  @Test
  void download_cutShortUnderWeakEtag_startsOverInsteadOfResuming() throws Exception {
    try (ScriptedServer server =
        new ScriptedServer(List.of(cutAfter(CUT, "W/\"weak\"", false), whole()))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      assertThat(server.requests().get(1).headers()).doesNotContainKey("range");
    }
  }

  @Test
  void download_endlessBodyWithoutLength_stopsAtFirstExtraByteAndDeletesPartial() throws Exception {
    ScriptedServer.Step endless =
        (req, socket, out) -> {
          ScriptedServer.head(out, 200, "ETag: " + ETAG);
          out.write(data);
          byte[] more = new byte[8192];
          for (int i = 0; i < 100_000; i++) {
            out.write(more);
          }
        };
    try (ScriptedServer server = new ScriptedServer(List.of(endless))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      assertThatThrownBy(() -> downloader().download(request, target, null))
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> assertThat(e.reason()).isEqualTo(ReasonCode.DOWNLOAD_TOO_LARGE));

      assertThat(server.requests()).hasSize(1);
      assertThat(target).doesNotExist();
      assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
      assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
    }
  }

  @Test
  void download_partialAnswerShorterThanAsked_continuesFromWhereItEnded() throws Exception {
    int firstEnd = 200_000;
    ScriptedServer.Step part =
        (req, socket, out) -> {
          int from = rangeStart(req);
          ScriptedServer.head(
              out,
              206,
              "Content-Length: " + (firstEnd - from),
              "Content-Range: bytes " + from + "-" + (firstEnd - 1) + "/" + SIZE,
              "ETag: " + ETAG);
          out.write(data, from, firstEnd - from);
          out.flush();
        };
    ScriptedServer.Step resume = resumeFromRequestedRange();
    try (ScriptedServer server =
        new ScriptedServer(List.of(cutAfter(CUT, ETAG, false), part, resume))) {
      Path target = dir.resolve("a.bin");
      ArtifactRequest request = requestTo(server);

      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      assertThat(rangeStart(server.requests().get(2))).isEqualTo(firstEnd);
    }
  }

  @Test
  void download_interruptedProcessResumesFromSidecar_inANewDownloaderInstance() throws Exception {
    ScriptedServer.Step forbidden = (req, socket, out) -> ScriptedServer.status(out, 403, "no");
    Path target = dir.resolve("a.bin");
    try (ScriptedServer first =
        new ScriptedServer(List.of(cutAfter(CUT, ETAG, false), forbidden))) {
      ArtifactRequest request = requestTo(first);
      assertThatThrownBy(() -> downloader().download(request, target, null))
          .isInstanceOf(OtaException.class);
    }
    ScriptedServer.Step resume = resumeFromRequestedRange();

    try (ScriptedServer second = new ScriptedServer(List.of(resume))) {
      ArtifactRequest request = requestTo(second);
      downloader().download(request, target, null);

      assertThat(Files.readAllBytes(target)).isEqualTo(data);
      assertThat(second.requests().get(0).headers()).containsKey("range");
    }
  }

  /** Sends headers and a few bytes, then nothing until the client hangs up. */
  private ScriptedServer.Step trickleThenSilence(int status) {
    return (req, socket, out) -> {
      ScriptedServer.head(out, status, "Content-Length: " + SIZE, "ETag: " + ETAG);
      out.write(data, 0, 10);
      out.flush();
      socket.getInputStream().read();
    };
  }

  @Test
  void download_serverFallsSilentBelowMinimumThroughput_failsAsTooSlowAfterBoundedAttempts()
      throws Exception {
    try (ScriptedServer server =
        new ScriptedServer(List.of(trickleThenSilence(200), trickleThenSilence(200)))) {
      ResumableDownloader guarded =
          ResumableDownloader.builder()
              .retryPolicy(
                  RetryPolicy.builder()
                      .maxAttempts(2)
                      .initialBackoff(Duration.ofMillis(10))
                      .maxBackoff(Duration.ofMillis(10))
                      .build())
              .minThroughput(50_000, Duration.ofMillis(300))
              .build();
      ArtifactRequest request = requestTo(server);
      long started = System.nanoTime();

      assertThatThrownBy(() -> guarded.download(request, dir.resolve("a.bin"), null))
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ReasonCode.RETRIES_EXHAUSTED);
                assertThat(e.offendingValue()).isEqualTo("DOWNLOAD_TOO_SLOW");
              });

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(server.requests()).hasSize(2);
    }
  }
}
