package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.agent.SimulatedDevice.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.HttpTransportClient;
import org.edgeota.download.RetryPolicy;
import org.edgeota.download.WireJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real HTTP controller stub on the loopback interface, through the SDK's HTTP
 * transport: check-in, downloads, status reports in the wire JSON.
 */
class HttpLoopbackTest {
  @TempDir Path tmp;

  private final SimulatedDevice.Releases releases = new SimulatedDevice.Releases();
  private final Map<String, StatusReport> counted = new ConcurrentHashMap<>();
  private final List<String> downloads = new CopyOnWriteArrayList<>();
  private final AtomicInteger statusRejections = new AtomicInteger();
  private final AtomicInteger statusCalls = new AtomicInteger();
  private HttpServer server;
  private URI base;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/updates/check", this::checkIn);
    server.createContext("/api/v1/updates/download/", this::download);
    server.createContext("/api/v1/updates/status", this::status);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void update_overHttp_commitsAndReportRejectedThreeTimesIsCountedOnce() {
    SimulatedDevice d = new SimulatedDevice(tmp, releases);
    statusRejections.set(3);
    Power power = new Power();
    d.powerOn();

    CycleResult cycle = agent(d, power).runCycle();
    d.powerOn();
    PostBootResult post = agent(d, power).afterBoot();
    for (int i = 0;
        i < 4 && !counted.values().stream().anyMatch(r -> r.state().isTerminal());
        i++) {
      d.clock.advance(Duration.ofSeconds(30));
      agent(d, power).runCycle();
    }

    assertThat(cycle.state()).isEqualTo(UpdateState.REBOOTING);
    assertThat(downloads).containsExactlyInAnyOrder("fw-2.bin", "app-2.tar.gz", "cfg-2.json");
    assertThat(post.state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(d.slotImage(Slot.B, releases.image2.length)).isEqualTo(releases.image2);
    assertThat(statusCalls.get()).isEqualTo(4);
    assertThat(counted.values())
        .extracting(StatusReport::state)
        .containsExactly(UpdateState.COMMITTED);
  }

  private UpdateAgent agent(SimulatedDevice d, Power power) {
    HttpTransportClient http =
        HttpTransportClient.builder()
            .baseUri(base)
            .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    return d.agent(http, power, List.of(check("svc", true))).build();
  }

  private void checkIn(HttpExchange ex) throws IOException {
    CheckRequest req = WireJson.fromJson(ex.getRequestBody().readAllBytes(), CheckRequest.class);
    CheckResponse resp;
    if (req.device().installedVersion().toString().equals("2.0.0")) {
      resp = CheckResponse.noUpdate(60);
    } else {
      Map<String, String> urls = new java.util.LinkedHashMap<>();
      releases.artifacts.keySet().forEach(f -> urls.put(f, base + "api/v1/updates/download/" + f));
      resp = new CheckResponse(true, "rollout-1", releases.manifest, urls, 60);
    }
    send(ex, 200, WireJson.toJsonBytes(resp));
  }

  private void download(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String file = path.substring(path.lastIndexOf('/') + 1);
    downloads.add(file);
    byte[] bytes = releases.artifacts.get(file);
    if (bytes == null) {
      send(ex, 404, new byte[0]);
      return;
    }
    ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
    send(ex, 200, bytes);
  }

  private void status(HttpExchange ex) throws IOException {
    statusCalls.incrementAndGet();
    StatusReport report = WireJson.fromJson(ex.getRequestBody().readAllBytes(), StatusReport.class);
    if (statusRejections.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(ex, 503, new byte[0]);
      return;
    }
    boolean duplicate = counted.putIfAbsent(report.reportId(), report) != null;
    send(ex, 200, WireJson.toJsonBytes(new StatusAck(report.reportId(), duplicate)));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    if (status == 200) {
      ex.getResponseHeaders().add("Content-Type", "application/json");
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
