package org.edgeota.download;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.LoopbackWireMock;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is already on disk at the target and at the downloader's own file names must never make it
 * destroy or overwrite something else: found by a QA run of {@code ota fetch}, where a symbolic
 * link at {@code FILE.part} made the download overwrite (or, on a 404, truncate) the file it
 * pointed to, and any file at {@code FILE} (a FIFO, an empty directory, {@code /dev/null}) was
 * deleted before the server was even asked.
 */
class HostileFilesystemTest {
  private static final String PATH = "/artifacts/a.bin";
  private static final int SIZE = 5000;
  private static final byte[] VICTIM = "precious victim data".getBytes(StandardCharsets.UTF_8);

  private final byte[] data = Artifacts.bytes(SIZE, 5);
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
        .retryPolicy(RetryPolicy.none())
        .clock(clock)
        .deadline(Duration.ofMinutes(1))
        .build();
  }

  private ArtifactRequest request() {
    return new ArtifactRequest(URI.create(server.baseUrl() + PATH), SIZE, Artifacts.sha256(data));
  }

  private void serveArtifact() {
    server.stubFor(
        get(PATH)
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"a\"").withBody(data)));
  }

  private void serveNotFound() {
    server.stubFor(get(PATH).willReturn(aResponse().withStatus(404)));
  }

  @Test
  void download_partialNameIsSymlinkToAnotherFile_neverWritesThroughIt() throws Exception {
    serveArtifact();
    Path victim = Files.write(dir.resolve("victim"), VICTIM);
    Path target = dir.resolve("a.bin");
    Files.createSymbolicLink(DownloadJob.partialFileOf(target), victim);

    downloader().download(request(), target, null);

    assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
  }

  @Test
  void download_partialNameIsSymlinkAndServerAnswers404_victimIsNotTruncated() throws Exception {
    serveNotFound();
    Path victim = Files.write(dir.resolve("victim"), VICTIM);
    Path target = dir.resolve("a.bin");
    Files.createSymbolicLink(DownloadJob.partialFileOf(target), victim);

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class);

    assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
  }

  @Test
  void download_sidecarTemporaryNameIsSymlink_neverWritesThroughIt() throws Exception {
    Path victim = Files.write(dir.resolve("victim"), VICTIM);
    Path target = dir.resolve("a.bin");
    Path sidecarTmp = dir.resolve(DownloadJob.sidecarOf(target).getFileName() + ".tmp");
    Files.createSymbolicLink(sidecarTmp, victim);
    // A body cut after half the bytes makes the downloader record its progress in the sidecar.
    server.stubFor(
        get(PATH)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", "\"a\"")
                    .withHeader("Content-Length", String.valueOf(SIZE))
                    .withBody(Artifacts.slice(data, 0, SIZE / 2))));

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class);

    assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
  }

  @Test
  void download_targetIsSymlink_isRefusedAndLinkAndItsTargetStay() throws Exception {
    serveArtifact();
    Path victim = Files.write(dir.resolve("victim"), VICTIM);
    Path target = dir.resolve("a.bin");
    Files.createSymbolicLink(target, victim);

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("a symbolic link")
        .satisfies(
            e -> {
              OtaException o = (OtaException) e;
              assertThat(o.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
              assertThat(o.offendingValue()).isEqualTo(target.toString());
            });

    assertThat(Files.isSymbolicLink(target)).isTrue();
    assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void download_targetIsEmptyDirectory_isRefusedAndKept() throws Exception {
    serveArtifact();
    Path target = Files.createDirectory(dir.resolve("a.bin"));

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("a directory");

    assertThat(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void download_otherFileAtTargetAndServerAnswers404_fileIsLeftAsItWas() throws Exception {
    serveNotFound();
    Path target = Files.write(dir.resolve("a.bin"), VICTIM);

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class);

    assertThat(Files.readAllBytes(target)).isEqualTo(VICTIM);
  }

  @Test
  void download_failsBeforeAnyByte_leavesNoEmptyPartialFile() throws Exception {
    serveNotFound();
    Path target = dir.resolve("a.bin");

    assertThatThrownBy(() -> downloader().download(request(), target, null))
        .isInstanceOf(OtaException.class);

    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
  }
}
