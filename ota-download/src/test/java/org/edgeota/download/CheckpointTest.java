package org.edgeota.download;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

/**
 * Progress recorded while a multi-MiB body streams in: the sidecar never claims a byte the partial
 * file does not hold, so a power cut at any moment resumes from correct data.
 */
class CheckpointTest {
  private static final String PATH = "/api/v1/updates/download/big.bin";
  private static final int SIZE = 6 * 1024 * 1024 + 4321;
  private static final String ETAG = "\"big\"";

  private final byte[] data = Artifacts.bytes(SIZE, 77);

  /** Moves a quarter second on at every reading, so that checkpoints fall due while streaming. */
  private final ManualClock clock =
      ManualClock.atNoon().tickingOnEachReading(Duration.ofMillis(250));

  private WireMockServer server;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    server = LoopbackWireMock.start();
    server.stubFor(
        get(PATH).willReturn(aResponse().withStatus(200).withHeader("ETag", ETAG).withBody(data)));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void download_checkpointsWhileStreaming_sidecarNeverClaimsBytesTheFileDoesNotHold()
      throws Exception {
    Path target = dir.resolve("big.bin");
    Path partial = DownloadJob.partialFileOf(target);
    Path sidecar = DownloadJob.sidecarOf(target);
    List<Long> seen = new ArrayList<>();
    List<Long> wrong = new ArrayList<>();
    ResumableDownloader downloader =
        ResumableDownloader.builder()
            .retryPolicy(RetryPolicy.none())
            .clock(clock)
            .checkpointInterval(Duration.ofSeconds(1))
            .deadline(Duration.ofDays(1))
            .progressInterval(Duration.ofMillis(1))
            .build();
    ArtifactRequest request =
        new ArtifactRequest(URI.create(server.baseUrl() + PATH), SIZE, Artifacts.sha256(data));

    // The downloader keeps going when a listener throws, so the listener only records.
    downloader.download(
        request,
        target,
        progress -> {
          Optional<PartialState> state = PartialState.read(sidecar);
          if (state.isPresent()) {
            long claimed = state.get().offset();
            seen.add(claimed);
            if (!Arrays.equals(readPrefix(partial, claimed), Arrays.copyOf(data, (int) claimed))) {
              wrong.add(claimed);
            }
          }
        });

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(seen).as("checkpoints observed while streaming").isNotEmpty();
    assertThat(seen).allMatch(offset -> offset > 0 && offset < SIZE);
    assertThat(wrong).as("checkpoints claiming bytes the file does not hold").isEmpty();
  }

  private static byte[] readPrefix(Path file, long length) {
    try {
      byte[] all = Files.readAllBytes(file);
      return Arrays.copyOf(all, (int) Math.min(all.length, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
