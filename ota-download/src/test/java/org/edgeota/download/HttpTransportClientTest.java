package org.edgeota.download;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.support.Artifacts;
import org.edgeota.download.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HttpTransportClientTest {
  private static final String TOKEN = "s3cr3t-device-token";
  private static final CheckRequest CHECK =
      new CheckRequest(
          new DeviceInfo("dev-7", "gw", Version.of(1, 0, 0), Version.of(1, 0, 0), Map.of()),
          3,
          Slot.A);
  private static final StatusReport REPORT =
      new StatusReport(
          "rep-1",
          "dev-7",
          "ro-1",
          "2.0.0",
          UpdateState.COMMITTED,
          null,
          null,
          Instant.parse("2026-12-04T15:00:00Z"));

  private final ManualClock clock = ManualClock.atNoon();
  private WireMockServer server;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private WireMockServer start(WireMockConfiguration config) {
    server = new WireMockServer(config.bindAddress("127.0.0.1"));
    server.start();
    return server;
  }

  private HttpTransportClient.Builder client(URI base) {
    return HttpTransportClient.builder()
        .baseUri(base)
        .deviceToken(TOKEN)
        .clock(clock)
        .retryPolicy(
            RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(100))
                .sleeper(clock.sleeper())
                .build());
  }

  private URI httpBase() {
    start(WireMockConfiguration.options().dynamicPort());
    return URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void checkIn_postsWireJsonWithBearerTokenAndParsesTheAnswer() {
    URI base = httpBase();
    CheckResponse answer = new CheckResponse(true, "ro-1", "{}", Map.of("a.bin", "x"), 300);
    server.stubFor(
        post("/api/v1/updates/check")
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(equalToJson(WireJson.toJson(CHECK)))
            .willReturn(aResponse().withStatus(200).withBody(WireJson.toJson(answer))));

    CheckResponse response = client(base).build().checkIn(CHECK);

    assertThat(response).isEqualTo(answer);
  }

  @Test
  void checkIn_401_failsWithAuthRejectedWithoutRetry() {
    URI base = httpBase();
    server.stubFor(post("/api/v1/updates/check").willReturn(aResponse().withStatus(401)));

    assertThatThrownBy(() -> client(base).build().checkIn(CHECK))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.AUTH_REJECTED);
              assertThat(e.getMessage()).doesNotContain(TOKEN);
            });

    server.verify(1, postRequestedFor(urlEqualTo("/api/v1/updates/check")));
  }

  @Test
  void checkIn_503ThenOk_isRetried() {
    URI base = httpBase();
    server.stubFor(
        post("/api/v1/updates/check")
            .inScenario("s")
            .whenScenarioStateIs("Started")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    server.stubFor(
        post("/api/v1/updates/check")
            .inScenario("s")
            .whenScenarioStateIs("up")
            .willReturn(
                aResponse().withStatus(200).withBody(WireJson.toJson(CheckResponse.noUpdate(60)))));

    CheckResponse response = client(base).build().checkIn(CHECK);

    assertThat(response.updateAvailable()).isFalse();
    assertThat(clock.sleeps()).hasSize(1);
  }

  @Test
  void checkIn_garbageBody_failsAsMalformedWire() {
    URI base = httpBase();
    server.stubFor(
        post("/api/v1/updates/check").willReturn(aResponse().withStatus(200).withBody("<html>")));

    assertThatThrownBy(() -> client(base).build().checkIn(CHECK))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED));
  }

  @Test
  void report_acknowledged_returnsTheAck() {
    URI base = httpBase();
    server.stubFor(
        post("/api/v1/updates/status")
            .withRequestBody(equalToJson(WireJson.toJson(REPORT)))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(WireJson.toJson(new StatusAck("rep-1", false)))));

    StatusAck ack = client(base).build().report(REPORT);

    assertThat(ack).isEqualTo(new StatusAck("rep-1", false));
  }

  @Test
  void report_ackForAnotherReport_isNotTakenAsDelivery() {
    URI base = httpBase();
    server.stubFor(
        post("/api/v1/updates/status")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(WireJson.toJson(new StatusAck("other", false)))));

    assertThatThrownBy(() -> client(base).build().report(REPORT))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.WIRE_MALFORMED);
              assertThat(e.offendingValue()).isEqualTo("other");
            });
  }

  @Test
  void download_sameOriginArtifact_carriesTokenOtherOriginDoesNot() throws Exception {
    URI base = httpBase();
    byte[] data = Artifacts.bytes(10_000, 1);
    server.stubFor(
        get("/api/v1/updates/download/a.bin")
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"e\"").withBody(data)));
    HttpTransportClient c = client(base).build();
    URI sameOrigin = c.artifactUri("a.bin");
    URI otherOrigin =
        URI.create("http://localhost:" + server.port() + "/api/v1/updates/download/a.bin");

    c.download(
        new ArtifactRequest(sameOrigin, data.length, Artifacts.sha256(data)),
        dir.resolve("1"),
        null);
    c.download(
        new ArtifactRequest(otherOrigin, data.length, Artifacts.sha256(data)),
        dir.resolve("2"),
        null);

    assertThat(sameOrigin.toString()).endsWith("/api/v1/updates/download/a.bin");
    server.verify(
        1,
        getRequestedFor(urlEqualTo("/api/v1/updates/download/a.bin"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    server.verify(
        1,
        getRequestedFor(urlEqualTo("/api/v1/updates/download/a.bin"))
            .withHeader("Authorization", absent()));
  }

  @Test
  void anyCall_neverLogsTheToken() {
    URI base = httpBase();
    server.stubFor(post("/api/v1/updates/check").willReturn(aResponse().withStatus(503)));
    Logger logger = (Logger) LoggerFactory.getLogger("org.edgeota");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Level before = logger.getLevel();
    logger.setLevel(Level.TRACE);
    try {
      assertThatThrownBy(() -> client(base).build().checkIn(CHECK))
          .isInstanceOf(OtaException.class);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(before);
    }

    assertThat(appender.list).isNotEmpty();
    assertThat(appender.list).noneMatch(e -> e.getFormattedMessage().contains(TOKEN));
  }

  @Test
  void artifactUri_pathTraversal_isRejected() {
    HttpTransportClient c = client(URI.create("http://127.0.0.1:9/")).build();

    assertThatThrownBy(() -> c.artifactUri("../secret"))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
  }

  @Test
  void build_withoutBaseUri_isRejected() {
    assertThatThrownBy(() -> HttpTransportClient.builder().build())
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.getMessage()).contains("baseUri"));
  }

  @Test
  void build_unreadableCaBundle_failsWithTlsConfig() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");

    assertThatThrownBy(() -> client(URI.create("https://127.0.0.1:9/")).caBundle(notPem).build())
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.TLS_CONFIG));
  }

  @Test
  void checkIn_overTlsWithConfiguredCaBundle_succeedsAndFailsWithoutIt() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Path ca = dir.resolve("ca.pem");
    generateServerKey(keystore, "ip:127.0.0.1,dns:localhost");
    exportCertificate("server", keystore, "changeit", ca);
    start(httpsWithServerKey(keystore));
    URI base = stubCheckInOverHttps(5);

    CheckResponse trusted = client(base).caBundle(ca).build().checkIn(CHECK);

    assertThat(trusted.pollIntervalSeconds()).isEqualTo(5);
    assertThatThrownBy(() -> client(base).retryPolicy(RetryPolicy.none()).build().checkIn(CHECK))
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.offendingValue()).isEqualTo(ReasonCode.TRANSPORT_ERROR.name()));
  }

  @Test
  void checkIn_mutualTls_presentsTheClientCertificateAndIsRefusedWithout() throws Exception {
    Path serverStore = dir.resolve("server.p12");
    Path ca = dir.resolve("ca.pem");
    Path clientStore = dir.resolve("device.p12");
    Path clientCert = dir.resolve("device.pem");
    Path serverTrust = dir.resolve("server-trust.p12");
    generateServerKey(serverStore, "ip:127.0.0.1");
    exportCertificate("server", serverStore, "changeit", ca);
    generateDeviceKey(clientStore);
    exportCertificate("device", clientStore, "devpass", clientCert);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "device",
        "-file",
        clientCert.toString(),
        "-keystore",
        serverTrust.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "trustpass");
    start(
        httpsWithServerKey(serverStore)
            .needClientAuth(true)
            .trustStorePath(serverTrust.toString())
            .trustStoreType("PKCS12")
            .trustStorePassword("trustpass"));
    URI base = stubCheckInOverHttps(7);

    CheckResponse withCert =
        client(base)
            .caBundle(ca)
            .clientCertificate(clientStore, "devpass".toCharArray())
            .build()
            .checkIn(CHECK);

    assertThat(withCert.pollIntervalSeconds()).isEqualTo(7);
    assertThatThrownBy(
            () -> client(base).caBundle(ca).retryPolicy(RetryPolicy.none()).build().checkIn(CHECK))
        .isInstanceOf(OtaException.class);
  }

  @Test
  void build_clientCertificateWithWrongPassword_failsWithTlsConfig() throws Exception {
    Path clientStore = dir.resolve("device.p12");
    generateDeviceKey(clientStore);

    assertThatThrownBy(
            () ->
                client(URI.create("https://127.0.0.1:9/"))
                    .clientCertificate(clientStore, "wrong".toCharArray())
                    .build())
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ReasonCode.TLS_CONFIG);
              assertThat(e.getMessage()).doesNotContain("wrong");
            });
  }

  private URI stubCheckInOverHttps(int pollIntervalSeconds) {
    server.stubFor(
        post("/api/v1/updates/check")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(WireJson.toJson(CheckResponse.noUpdate(pollIntervalSeconds)))));
    return URI.create("https://127.0.0.1:" + server.httpsPort());
  }

  private static WireMockConfiguration httpsWithServerKey(Path keystore) {
    return WireMockConfiguration.options()
        .httpDisabled(true)
        .dynamicHttpsPort()
        .keystorePath(keystore.toString())
        .keystoreType("PKCS12")
        .keystorePassword("changeit")
        .keyManagerPassword("changeit");
  }

  private static void generateServerKey(Path keystore, String subjectAltName) throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=" + subjectAltName,
        "-validity",
        "2",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
  }

  private static void generateDeviceKey(Path clientStore) throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "device",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=dev-7",
        "-validity",
        "2",
        "-keystore",
        clientStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "devpass",
        "-keypass",
        "devpass");
  }

  private static void exportCertificate(String alias, Path keystore, String storePassword, Path pem)
      throws Exception {
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        alias,
        "-keystore",
        keystore.toString(),
        "-storepass",
        storePassword,
        "-file",
        pem.toString());
  }

  private static void keytool(String... args) throws Exception {
    Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    String[] cmd = new String[args.length + 1];
    cmd[0] = tool.toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool exit status").isZero();
  }
}
