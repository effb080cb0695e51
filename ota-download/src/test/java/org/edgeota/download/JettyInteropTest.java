package org.edgeota.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.internal.DownloadJob;
import org.edgeota.download.internal.PartialState;
import org.edgeota.download.internal.Validator;
import org.edgeota.download.support.Artifacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume against a real file server (Jetty 12's ResourceHandler), not a mock. */
class JettyInteropTest {
  private static final int SIZE = 500_000;

  @TempDir Path dir;

  private final byte[] data = Artifacts.bytes(SIZE, 21);
  private final String sha = Artifacts.sha256(data);
  private final List<String> ranges = new CopyOnWriteArrayList<>();
  private Server server;
  private URI uri;

  /** Serves the artifact, written an hour ago as release files are, with or without ETags. */
  private void start(boolean etags) throws Exception {
    Path served = Files.createDirectories(dir.resolve("served"));
    Path file = Files.write(served.resolve("fw.img"), data);
    Files.setLastModifiedTime(
        file,
        FileTime.from(Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS)));
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ResourceHandler resources =
        new ResourceHandler() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            ranges.add(String.valueOf(request.getHeaders().get("Range")));
            return super.handle(request, response, callback);
          }
        };
    resources.setBaseResource(ResourceFactory.of(server).newResource(served));
    resources.setEtags(etags);
    server.setHandler(resources);
    server.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/fw.img");
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void download_resumeUnderJettysLastModified_isAnsweredWith206AndVerifies() throws Exception {
    start(false);

    resumeFromHalf(Validator.LAST_MODIFIED);
  }

  /** Jetty's ETags are weak (W/"..."), unusable in If-Range; its Last-Modified is used. */
  @Test
  void download_jettysWeakEtag_fallsBackToLastModifiedAndResumes() throws Exception {
    start(true);

    resumeFromHalf(Validator.LAST_MODIFIED);
  }

  private void resumeFromHalf(String expectedKind) throws Exception {
    HttpResponse<Void> head =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(head.headers().firstValue("ETag").orElse("W/")).startsWith("W/");
    Optional<Validator> validator = Validator.of(head.headers());
    assertThat(validator).map(Validator::kind).contains(expectedKind);
    Path target = dir.resolve("fw.img");
    int half = SIZE / 2;
    Files.write(DownloadJob.partialFileOf(target), Artifacts.slice(data, 0, half));
    new PartialState(
            PartialState.FORMAT, sha, SIZE, half, validator.get().kind(), validator.get().value())
        .write(DownloadJob.sidecarOf(target));
    ranges.clear();

    ResumableDownloader.builder()
        .build()
        .download(new ArtifactRequest(uri, SIZE, sha), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(ranges).containsExactly("bytes=" + half + "-");
  }

  @Test
  void download_freshFromJetty_verifiesAndLeavesNoPartialData() throws Exception {
    start(true);
    Path target = dir.resolve("fresh.img");

    ResumableDownloader.builder()
        .build()
        .download(new ArtifactRequest(uri, SIZE, sha), target, null);

    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(DownloadJob.sidecarOf(target)).doesNotExist();
  }
}
