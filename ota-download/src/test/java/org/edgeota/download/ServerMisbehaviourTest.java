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
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.internal.PartialState;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.LoopbackWireMock;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server behaviours the downloader must survive, each simulated with WireMock. */
class ServerMisbehaviourTest {
  private static final String PATH = "/files/fw.img";
  private static final int SIZE = 120_000;
  private static final int HALF = 50_000;
  private static final String ETAG = "\"abc\"";

  private final byte[] data = Artifacts.bytes(SIZE, 9);
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

  private RetryPolicy.Builder policy() {
    return RetryPolicy.builder()
        .maxAttempts(4)
        .initialBackoff(Duration.ofMillis(500))
        .maxBackoff(Duration.ofSeconds(4))
        .jitter(0.0)
        .maxRetryAfter(Duration.ofSeconds(30))
        .sleeper(clock.sleeper());
  }

  private ResumableDownloader downloader(RetryPolicy policy) {
    return ResumableDownloader.builder().retryPolicy(policy).clock(clock).build();
  }

  private ArtifactRequest request() {
    return new ArtifactRequest(URI.create(server.baseUrl() + PATH), SIZE, sha);
  }

  private Path targetWithHalfPartial() throws Exception {
    Path target = dir.resolve("fw.img");
    Files.write(DownloadJob.partialFileOf(target), Artifacts.slice(data, 0, HALF));
    new PartialState(PartialState.FORMAT, sha, SIZE, HALF, "etag", ETAG)
        .write(DownloadJob.sidecarOf(target));
    return target;
  }

  private void stubRanged(ResponseDefinitionBuilder answer) {
    server.stubFor(
        get(PATH).withHeader("Range", equalTo("bytes=" + HALF + "-")).willReturn(answer));
  }

  private void stubFull() {
    server.stubFor(get(PATH).withHeader("Range", absent()).willReturn(wholeFile()));
  }

  private ResponseDefinitionBuilder wholeFile() {
    return aResponse().withStatus(200).withHeader("ETag", ETAG).withBody(data);
  }

  private void stubFirstAnswerThenWholeFile(ResponseDefinitionBuilder first) {
    server.stubFor(
        get(PATH)
            .inScenario("second request")
            .whenScenarioStateIs("Started")
            .willReturn(first)
            .willSetStateTo("answered once"));
    server.stubFor(
        get(PATH)
            .inScenario("second request")
            .whenScenarioStateIs("answered once")
            .willReturn(wholeFile()));
  }

  private static ResponseDefinitionBuilder partialContent() {
    return aResponse().withStatus(206).withHeader("ETag", ETAG);
  }

  private void downloadWithDefaultPolicy(Path target) throws Exception {
    downloader(policy().build()).download(request(), target, null);
  }

  private void assertStartedOverWithoutRange(Path target) throws Exception {
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    server.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("Range", absent()));
  }

  private static void assertDownloadFails(ThrowingCallable download, ReasonCode reason) {
    assertThatThrownBy(download).satisfies(e -> assertThat(reasonOf(e)).isEqualTo(reason));
  }

  private static void assertDownloadFails(
      ThrowingCallable download, ReasonCode reason, String offendingValue) {
    assertThatThrownBy(download)
        .satisfies(
            e -> {
              assertThat(reasonOf(e)).isEqualTo(reason);
              assertThat(((OtaException) e).offendingValue()).isEqualTo(offendingValue);
            });
  }

  private static ReasonCode reasonOf(Throwable t) {
    return ((OtaException) t).reason();
  }

  /** The seed appended the whole file to the partial one when a server ignored Range. */
  @Test
  void download_200ToRangedRequest_startsOverInsteadOfAppending() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(wholeFile());

    downloadWithDefaultPolicy(target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void download_206ForAnotherOffset_discardsPartialAndRetriesWithoutRange() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(
        partialContent()
            .withHeader("Content-Range", "bytes 0-" + (SIZE - 1) + "/" + SIZE)
            .withBody(data));
    stubFull();

    downloadWithDefaultPolicy(target);

    assertStartedOverWithoutRange(target);
  }

  @Test
  void download_206WithoutContentRange_discardsPartialAndRetriesWithoutRange() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(partialContent().withBody(Artifacts.slice(data, HALF, SIZE)));
    stubFull();

    downloadWithDefaultPolicy(target);

    assertStartedOverWithoutRange(target);
  }

  @Test
  void download_206WithMalformedContentRange_discardsPartialAndRetriesWithoutRange()
      throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(
        partialContent()
            .withHeader("Content-Range", "bytes " + HALF + "-oops/" + SIZE)
            .withBody(Artifacts.slice(data, HALF, SIZE)));
    stubFull();

    downloadWithDefaultPolicy(target);

    assertStartedOverWithoutRange(target);
  }

  @Test
  void download_206WithOtherTotal_failsWithPayloadMismatchWithoutRetry() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(
        partialContent()
            .withHeader("Content-Range", "bytes " + HALF + "-" + SIZE + "/" + (SIZE + 1))
            .withBody(Artifacts.bytes(SIZE + 1 - HALF, 3)));

    assertDownloadFails(() -> downloadWithDefaultPolicy(target), ReasonCode.PAYLOAD_MISMATCH);

    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(target).doesNotExist();
  }

  @Test
  void download_416WithWrongTotal_failsWithPayloadMismatchAndDeletesPartial() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(aResponse().withStatus(416).withHeader("Content-Range", "bytes */" + (SIZE / 2)));

    assertDownloadFails(() -> downloadWithDefaultPolicy(target), ReasonCode.PAYLOAD_MISMATCH);

    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
  }

  /** The server says the partial file is already the whole resource: its size is not ours. */
  @Test
  void download_416SayingPartialIsComplete_failsWithPayloadMismatch() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(aResponse().withStatus(416).withHeader("Content-Range", "bytes */" + HALF));

    assertDownloadFails(
        () -> downloadWithDefaultPolicy(target), ReasonCode.PAYLOAD_MISMATCH, "bytes */" + HALF);

    assertThat(target).doesNotExist();
  }

  @Test
  void download_416WithMatchingTotal_startsOverAndSucceeds() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(aResponse().withStatus(416).withHeader("Content-Range", "bytes */" + SIZE));
    stubFull();

    downloadWithDefaultPolicy(target);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(server.getAllServeEvents()).hasSize(2);
  }

  /** The message named the offset after the partial data was discarded: "bytes from 0". */
  @Test
  void download_416WithoutRetry_messageNamesTheOffsetThatWasAsked() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(aResponse().withStatus(416).withHeader("Content-Range", "bytes */" + SIZE));

    assertThatThrownBy(() -> downloader(RetryPolicy.none()).download(request(), target, null))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected bytes from " + HALF + " of " + SIZE);
  }

  @Test
  void download_validatorChangedBetweenAttempts_startsOverWithNewRepresentation() throws Exception {
    Path target = targetWithHalfPartial();
    stubRanged(
        aResponse()
            .withStatus(206)
            .withHeader("ETag", "\"other\"")
            .withHeader("Content-Range", "bytes " + HALF + "-" + (SIZE - 1) + "/" + SIZE)
            .withBody(Artifacts.slice(data, HALF, SIZE)));
    stubFull();

    downloadWithDefaultPolicy(target);

    assertStartedOverWithoutRange(target);
  }

  @Test
  void download_contentLengthAboveManifestSize_failsAtOnceAndDeletesPartial() throws Exception {
    server.stubFor(
        get(PATH)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", ETAG)
                    .withBody(Artifacts.bytes(SIZE + 1, 1))));
    Path target = dir.resolve("fw.img");

    assertDownloadFails(() -> downloadWithDefaultPolicy(target), ReasonCode.DOWNLOAD_TOO_LARGE);

    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
  }

  @Test
  void download_retryAfterSeconds_waitsAtLeastThatLongBeforeRetrying() throws Exception {
    stubFirstAnswerThenWholeFile(aResponse().withStatus(503).withHeader("Retry-After", "7"));

    downloadWithDefaultPolicy(dir.resolve("fw.img"));

    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void download_retryAfterBeyondCap_waitsOnlyTheCap() throws Exception {
    stubFirstAnswerThenWholeFile(aResponse().withStatus(429).withHeader("Retry-After", "86400"));

    downloader(policy().maxTotalTime(Duration.ofMinutes(5)).build())
        .download(request(), dir.resolve("fw.img"), null);

    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void download_404_failsAfterOneRequest() {
    server.stubFor(get(PATH).willReturn(aResponse().withStatus(404)));

    assertDownloadFails(
        () -> downloadWithDefaultPolicy(dir.resolve("fw.img")), ReasonCode.HTTP_STATUS, "404");

    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void download_403_failsWithAuthRejectedAfterOneRequest() {
    server.stubFor(get(PATH).willReturn(aResponse().withStatus(403)));

    assertDownloadFails(
        () -> downloadWithDefaultPolicy(dir.resolve("fw.img")), ReasonCode.AUTH_REJECTED);

    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void download_503Forever_stopsAfterMaxAttemptsWithRetriesExhausted() {
    server.stubFor(get(PATH).willReturn(aResponse().withStatus(503)));

    assertDownloadFails(
        () -> downloadWithDefaultPolicy(dir.resolve("fw.img")),
        ReasonCode.RETRIES_EXHAUSTED,
        "HTTP_STATUS");

    assertThat(server.getAllServeEvents()).hasSize(4);
    assertThat(clock.sleeps())
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void download_503Forever_stopsWhenTotalTimeWouldBeExceeded() {
    server.stubFor(get(PATH).willReturn(aResponse().withStatus(503)));
    RetryPolicy p = policy().maxAttempts(100).maxTotalTime(Duration.ofSeconds(5)).build();

    assertDownloadFails(
        () -> downloader(p).download(request(), dir.resolve("fw.img"), null),
        ReasonCode.RETRIES_EXHAUSTED);

    assertThat(server.getAllServeEvents()).hasSize(4);
    assertThat(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void download_connectionResetByPeer_isRetriedAndSucceeds() throws Exception {
    stubFirstAnswerThenWholeFile(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    downloadWithDefaultPolicy(dir.resolve("fw.img"));

    assertThat(Files.readAllBytes(dir.resolve("fw.img"))).isEqualTo(data);
    assertThat(server.getAllServeEvents()).hasSize(2);
  }

  @Test
  void download_bandwidthCap_spreadsTheBytesOverTheExpectedTime() throws Exception {
    server.stubFor(get(PATH).willReturn(wholeFile()));
    ResumableDownloader capped =
        ResumableDownloader.builder()
            .retryPolicy(policy().build())
            .clock(clock)
            .minThroughput(0, Duration.ofSeconds(1))
            .maxBytesPerSecond(40_000)
            .build();

    capped.download(request(), dir.resolve("fw.img"), null);

    Duration slept = clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(slept).isBetween(Duration.ofMillis(2_500), Duration.ofMillis(3_000));
  }

  @Test
  void download_trickleUntilDeadline_failsWithDeadlineAndKeepsDurablePartial() throws Exception {
    server.stubFor(
        get(PATH)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", ETAG)
                    .withBody(data)
                    .withChunkedDribbleDelay(40, 20_000)));
    ResumableDownloader bounded =
        ResumableDownloader.builder()
            .minThroughput(0, Duration.ofMillis(200))
            .deadline(Duration.ofMillis(1_500))
            .build();
    Path target = dir.resolve("fw.img");

    assertDownloadFails(
        () -> bounded.download(request(), target, null), ReasonCode.DOWNLOAD_DEADLINE);

    assertThat(target).doesNotExist();
    assertThat(PartialState.read(DownloadJob.sidecarOf(target)))
        .hasValueSatisfying(s -> assertThat(s.offset()).isPositive().isLessThan(SIZE));
  }
}
