package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.ManualClock;
import org.edgeota.download.support.ScriptedServer;

/**
 * Whatever sequence of cut connections and ignored ranges a server produces, the downloader ends
 * with exactly the artifact's bytes, or with a typed failure and no target: never a stitched file.
 */
class DownloaderFaultProperties {
  private static final int SIZE = 3 * 512 * 1024 + 12_345;
  private static final String ETAG = "\"p\"";

  private final byte[] data = Artifacts.bytes(SIZE, 11);
  private final String sha = Artifacts.sha256(data);
  private Path dir;

  /** One faulty answer: where the body is cut, how, and whether the Range is ignored. */
  record Fault(int cutAt, boolean reset, boolean ignoreRange) {}

  @BeforeTry
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("ota-dl-prop");
  }

  @AfterTry
  void removeDir() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<Fault>> faults() {
    Arbitrary<Fault> fault =
        Combinators.combine(
                Arbitraries.integers().between(0, SIZE - 1),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false))
            .as(Fault::new);
    return fault.list().ofMaxSize(4);
  }

  private ScriptedServer.Step answer(int cutAt, boolean reset, boolean ignoreRange, byte[] body) {
    return (req, socket, out) -> {
      String range = req.headers().get("range");
      int from =
          range == null || ignoreRange
              ? 0
              : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      if (from == 0) {
        ScriptedServer.head(out, 200, "Content-Length: " + SIZE, "ETag: " + ETAG);
      } else {
        ScriptedServer.head(
            out,
            206,
            "Content-Length: " + (SIZE - from),
            "Content-Range: bytes " + from + "-" + (SIZE - 1) + "/" + SIZE,
            "ETag: " + ETAG);
      }
      int end = Math.max(from, Math.min(cutAt, SIZE));
      out.write(body, from, end - from);
      out.flush();
      close(socket, reset);
    };
  }

  private static void close(Socket socket, boolean reset) throws java.io.IOException {
    if (reset) {
      ScriptedServer.reset(socket);
    } else {
      socket.shutdownOutput();
      socket.getInputStream().read();
    }
  }

  private ResumableDownloader downloader(int attempts) {
    ManualClock clock = ManualClock.atNoon();
    return ResumableDownloader.builder()
        .retryPolicy(
            RetryPolicy.builder()
                .maxAttempts(attempts)
                .initialBackoff(Duration.ofMillis(10))
                .sleeper(clock.sleeper())
                .build())
        .clock(clock)
        .build();
  }

  @Property(seed = "4040", tries = 40)
  void download_anyFaultSequenceThenAGoodAnswer_endsWithExactlyTheArtifact(
      @ForAll("faults") List<Fault> faults) throws Exception {
    List<ScriptedServer.Step> steps = new ArrayList<>();
    for (Fault f : faults) {
      steps.add(answer(f.cutAt(), f.reset(), f.ignoreRange(), data));
    }
    steps.add(answer(SIZE, false, false, data));
    Path target = dir.resolve("a.bin");

    try (ScriptedServer server = new ScriptedServer(steps)) {
      ArtifactRequest request = new ArtifactRequest(server.uri("/a.bin"), SIZE, sha);
      downloader(faults.size() + 1).download(request, target, null);

      assertThat(server.requests()).hasSize(faults.size() + 1);
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
  }

  /** A server that changes the bytes but keeps the ETag is caught by the digest. */
  @Property(seed = "4041", tries = 20)
  void download_lyingServerChangingBytesUnderSameEtag_neverLeavesATarget(
      @ForAll("faults") List<Fault> faults) throws Exception {
    byte[] other = data.clone();
    other[SIZE - 1] ^= 0x01;
    other[0] ^= 0x01;
    List<ScriptedServer.Step> steps = new ArrayList<>();
    steps.add(answer(SIZE / 2, false, false, data));
    for (Fault f : faults) {
      steps.add(answer(f.cutAt(), f.reset(), f.ignoreRange(), other));
    }
    steps.add(answer(SIZE, false, false, other));
    Path target = dir.resolve("a.bin");

    try (ScriptedServer server = new ScriptedServer(steps)) {
      ArtifactRequest request = new ArtifactRequest(server.uri("/a.bin"), SIZE, sha);

      assertThatThrownBy(() -> downloader(faults.size() + 2).download(request, target, null))
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> assertThat(e.reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));
    }

    assertThat(target).doesNotExist();
    assertThat(DownloadJob.partialFileOf(target)).doesNotExist();
  }
}
