package org.edgeota.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProbeCheckTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private HttpServer server;
  private ExecutorService serverThreads;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ok", exchange -> answer(exchange, 204));
    server.createContext("/down", exchange -> answer(exchange, 503));
    server.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/ok");
          answer(exchange, 302);
        });
    server.createContext(
        "/slow",
        exchange -> {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answer(exchange, 200);
        });
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.stop(0);
    serverThreads.shutdownNow();
    serverThreads.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void httpProbe_serverAnswers204_passes() throws Exception {
    ProbeCheck check = HealthChecks.httpProbe(url("/ok"));

    Result result = check.check();

    assertThat(result.healthy()).as(result.detail()).isTrue();
    assertThat(result.detail()).contains("found 204");
    assertThat(check.name()).isEqualTo("http:127.0.0.1:" + server.getAddress().getPort() + "/ok");
  }

  @Test
  void httpProbe_serverAnswers503_failsNamingTheStatus() throws Exception {
    Result result = HealthChecks.httpProbe(url("/down")).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("expected status 200-299, found 503");
  }

  @Test
  void httpProbe_statusInsideCustomRange_passes() throws Exception {
    Result result = HealthChecks.httpProbe(url("/down"), 500, 599, TIMEOUT).check();

    assertThat(result.healthy()).isTrue();
  }

  @Test
  void httpProbe_redirect_isNotFollowedAndFails() throws Exception {
    Result result = HealthChecks.httpProbe(url("/moved")).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("found 302");
  }

  @Test
  void httpProbe_serverSlowerThanTimeout_fails() throws Exception {
    long start = System.nanoTime();

    Result result = HealthChecks.httpProbe(url("/slow"), 200, 299, Duration.ofMillis(300)).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("did not answer within PT0.3S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void httpProbe_nothingListening_failsWithTheConnectionError() throws Exception {
    URI closed = url("/ok");
    server.stop(0);

    Result result = HealthChecks.httpProbe(closed).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("failed").contains("ConnectException");
  }

  @Test
  void httpProbe_urlWithCredentials_keepsThemOutOfNameAndDetail() throws Exception {
    URI secret =
        URI.create(
            "http://user:hunter2@127.0.0.1:"
                + server.getAddress().getPort()
                + "/down?token=s3cr3t");
    ProbeCheck check = HealthChecks.httpProbe(secret);

    Result result = check.check();

    assertThat(result.detail()).doesNotContain("hunter2").doesNotContain("s3cr3t");
    assertThat(check.name()).doesNotContain("hunter2").doesNotContain("s3cr3t");
  }

  @Test
  void httpProbe_throughRunner_slowServerFailsVerdict() {
    HealthRunner runner =
        HealthRunner.builder()
            .check(HealthChecks.httpProbe(url("/slow"), 200, 299, Duration.ofMillis(300)))
            .retries(0)
            .build();

    HealthVerdict verdict = runner.run();

    assertThat(verdict.healthy()).isFalse();
  }

  @Test
  void httpProbe_unusableUrlsAndRanges_areRejected() {
    assertThatThrownBy(() -> HealthChecks.httpProbe(URI.create("ftp://127.0.0.1/x")))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT))
        .hasMessageContaining("'ftp'");
    assertThatThrownBy(() -> HealthChecks.httpProbe(URI.create("http:///no-host")))
        .hasMessageContaining("expected a URL with a host");
    assertThatThrownBy(() -> HealthChecks.httpProbe(url("/ok"), 200, 600, TIMEOUT))
        .hasMessageContaining("200-600");
    assertThatThrownBy(() -> HealthChecks.httpProbe(url("/ok"), 200, 299, Duration.ZERO))
        .hasMessageContaining("positive duration");
  }
}
