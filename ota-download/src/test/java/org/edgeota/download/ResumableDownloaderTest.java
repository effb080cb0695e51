package org.edgeota.download;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.internal.PartialState;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.LoopbackWireMock;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader's normal paths: fresh download, resume, local verification, digest check. */
class ResumableDownloaderTest {
  private static final String ARTIFACT_PATH = "/api/v1/updates/download/app.bin";
  private static final int SIZE = 200_000;
  private static final int HALF = 80_000;
  private static final String ETAG = "\"v1\"";
  private static final String OLD_DATE = "Tue, 01 Dec 2026 10:00:00 GMT";

  private final byte[] data = Artifacts.bytes(SIZE, 42);
  private final String sha = Artifacts.sha256(data);
  private final ManualClock clock = ManualClock.atNoon();
  private WireMockServer server;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    server = LoopbackWireMock.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private ResumableDownloader downloader() {
    return ResumableDownloader.builder()
        .retryPolicy(
            RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(1))
                .sleeper(clock.sleeper())
                .build())
        .clock(clock)
        .build();
  }

  private void stubWholeArtifact() {
    server.stubFor(
        get(ARTIFACT_PATH)
            .willReturn(aResponse().withStatus(200).withHeader("ETag", ETAG).withBody(data)));
  }

  private static RequestPatternBuilder getWithoutRange() {
    return getRequestedFor(urlEqualTo(ARTIFACT_PATH)).withHeader("Range", absent());
  }

  private ArtifactRequest request() {
    return new ArtifactRequest(URI.create(server.baseUrl() + ARTIFACT_PATH), SIZE, sha);
  }

  private void writePartial(Path target, int bytes, String kind, String validator)
      throws Exception {
    Files.write(DownloadJob.partialFileOf(target), Artifacts.slice(data, 0, bytes));
    new PartialState(PartialState.FORMAT, sha, SIZE, bytes, kind, validator)
        .write(DownloadJob.sidecarOf(target));
  }

  @Test
  void download_fresh200_movesVerifiedFileIntoPlaceAndLeavesNoPartialData() throws Exception {
    stubWholeArtifact();
    Path target = dir.resolve("out/app.bin");
    List<DownloadProgress> events = new CopyOnWriteArrayList<>();

    Path result = downloader().download(request(), target, events::add);

    assertThat(result).isEqualTo(target.toAbsolutePath());
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1).bytes()).isEqualTo(SIZE);
    assertThat(events.get(events.size() - 1).total()).isEqualTo(SIZE);
    server.verify(1, getWithoutRange());
  }

  @Test
  void download_partialWithStrongEtag_resumesWithRangeAndIfRange() throws Exception {
    Path target = dir.resolve("app.bin");
    writePartial(target, HALF, "etag", ETAG);
    server.stubFor(
        get(ARTIFACT_PATH)
            .withHeader("Range", equalTo("bytes=" + HALF + "-"))
            .withHeader("If-Range", equalTo(ETAG))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("ETag", ETAG)
                    .withHeader("Content-Range", "bytes " + HALF + "-" + (SIZE - 1) + "/" + SIZE)
                    .withBody(Artifacts.slice(data, HALF, SIZE))));

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void download_partialWithLastModifiedValidator_sendsThatDateInIfRange() throws Exception {
    Path target = dir.resolve("app.bin");
    writePartial(target, HALF, "last-modified", OLD_DATE);
    server.stubFor(
        get(ARTIFACT_PATH)
            .withHeader("If-Range", equalTo(OLD_DATE))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Last-Modified", OLD_DATE)
                    .withHeader("Content-Range", "bytes " + HALF + "-" + (SIZE - 1) + "/" + SIZE)
                    .withBody(Artifacts.slice(data, HALF, SIZE))));

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
  }

  @Test
  void download_partialAlreadyCompleteOnDisk_verifiesItWithoutAnyRequest() throws Exception {
    Path target = dir.resolve("app.bin");
    writePartial(target, SIZE, "etag", ETAG);

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void download_completePartialWithWrongBytes_startsOverWithPlainGet() throws Exception {
    Path target = dir.resolve("app.bin");
    writePartial(target, SIZE, "etag", ETAG);
    byte[] corrupt = data.clone();
    corrupt[1234] ^= 1;
    Files.write(DownloadJob.partialFileOf(target), corrupt);
    stubWholeArtifact();

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    server.verify(1, getWithoutRange());
  }

  @Test
  void download_partialWithoutSidecar_discardsItAndStartsOver() throws Exception {
    Path target = dir.resolve("app.bin");
    Files.write(DownloadJob.partialFileOf(target), Artifacts.bytes(HALF, 7));
    stubWholeArtifact();

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    server.verify(getWithoutRange());
  }

  @Test
  void download_sidecarOfAnotherArtifact_isIgnoredAndDownloadStartsOver() throws Exception {
    Path target = dir.resolve("app.bin");
    Files.write(DownloadJob.partialFileOf(target), Artifacts.slice(data, 0, HALF));
    new PartialState(PartialState.FORMAT, "0".repeat(64), SIZE, HALF, "etag", ETAG)
        .write(DownloadJob.sidecarOf(target));
    stubWholeArtifact();

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    server.verify(getWithoutRange());
  }

  @Test
  void download_bodyWithWrongDigest_failsWithPayloadMismatchAndLeavesNothing() throws Exception {
    byte[] other = data.clone();
    other[SIZE - 1] ^= 0x55;
    server.stubFor(
        get(ARTIFACT_PATH)
            .willReturn(aResponse().withStatus(200).withHeader("ETag", ETAG).withBody(other)));
    Path target = dir.resolve("app.bin");

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));

    assertThat(target).doesNotExist();
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  /** A power cut after the rename but before the sidecar was removed must not cost a download. */
  @Test
  void download_targetAlreadyVerifiedWithStaleSidecar_returnsItWithoutRequest() throws Exception {
    Path target = dir.resolve("app.bin");
    Files.write(target, data);
    new PartialState(PartialState.FORMAT, sha, SIZE, SIZE, "etag", ETAG)
        .write(DownloadJob.sidecarOf(target));

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void download_existingTargetFile_isReplacedOnlyByVerifiedBytes() throws Exception {
    Path target = dir.resolve("app.bin");
    Files.write(target, new byte[] {1, 2, 3});
    stubWholeArtifact();

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
  }

  @Test
  void download_malformedDigest_isRejectedBeforeAnyRequest() {
    ArtifactRequest bad = new ArtifactRequest(request().uri(), SIZE, "ABC");

    assertThatThrownBy(() -> downloader().download(bad, dir.resolve("x"), null))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.offendingValue()).isEqualTo("ABC");
            });

    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void download_emptyArtifact_isVerifiedWithoutRequest() throws Exception {
    ArtifactRequest empty = new ArtifactRequest(request().uri(), 0, Artifacts.sha256(new byte[0]));
    Path target = dir.resolve("empty.bin");

    downloader().download(empty, target, null);

    assertThat(target).exists().isEmptyFile();
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void builder_capBelowMinimumThroughput_isRejected() {
    ResumableDownloader.Builder b =
        ResumableDownloader.builder()
            .minThroughput(10_000, Duration.ofSeconds(5))
            .maxBytesPerSecond(5_000);

    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("maxBytesPerSecond");
            });
  }

  @Test
  void download_largerThanCheckpointSize_flushesInBackgroundAndStillVerifies() throws Exception {
    byte[] big = Artifacts.bytes(6 << 20, 77);
    server.stubFor(
        get("/big.bin")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", ETAG)
                    .withBody(big)
                    .withChunkedDribbleDelay(12, 600)));
    ExecutorService flusher = Executors.newSingleThreadExecutor();
    List<DownloadProgress> events = new CopyOnWriteArrayList<>();
    try {
      ResumableDownloader d =
          ResumableDownloader.builder()
              .checkpointInterval(Duration.ofMillis(1))
              .progressInterval(Duration.ZERO)
              .flushExecutor(flusher)
              .build();
      ArtifactRequest r =
          new ArtifactRequest(
              URI.create(server.baseUrl() + "/big.bin"), big.length, Artifacts.sha256(big));

      d.download(r, dir.resolve("big.bin"), events::add);
    } finally {
      flusher.shutdown();
    }

    assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(big);
    assertThat(events).extracting(DownloadProgress::bytes).isSorted();
    assertThat(events.get(events.size() - 1).eta()).isEqualTo(Duration.ZERO);
  }

  @Test
  void download_listenerThatThrows_doesNotFailTheDownload() throws Exception {
    stubWholeArtifact();
    Path target = dir.resolve("app.bin");

    downloader()
        .download(
            request(),
            target,
            p -> {
              throw new IllegalStateException("listener bug");
            });

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
  }
}
