package org.edgeota.samples.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgeota.api.Component;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.Slot;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.WireJson;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStoreDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the reference controller over real HTTP on loopback with the embedded store. */
class ControllerServerTest {
  private static final String ADMIN = "admin-token-of-the-test-0123456789";
  private static final String TYPE = "gateway";

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private ControllerServer server;
  private byte[] firmware;
  private String token;
  private String otherToken;

  @BeforeEach
  void startControllerWithARunningRollout() throws Exception {
    Clock clock = Clock.systemUTC();
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path trust = tmp.resolve("trust-store.json");
    Files.write(
        trust,
        TrustStoreDocument.create(
                List.of(key.trustedKey()), 1, 1, Instant.now().plus(Duration.ofDays(30)))
            .sign(key)
            .toJson());
    firmware = new byte[100_000];
    new Random(7).nextBytes(firmware);
    Path artifacts = tmp.resolve("artifacts");
    pack(clock, key, "2.0.0", 2, "rootfs-2.0.0.img", firmware, artifacts);
    pack(clock, key, "3.0.0", 3, "rootfs-3.0.0.img", new byte[1000], artifacts);
    server =
        ControllerServer.start(
            new ControllerConfig(
                "127.0.0.1",
                0,
                "embedded",
                null,
                null,
                tmp.resolve("data"),
                artifacts,
                trust,
                ADMIN,
                Duration.ofSeconds(30),
                Duration.ofMillis(100),
                null),
            clock);
    admin("POST", "releases", "{\"path\":\"2.0.0\"}");
    admin("POST", "releases", "{\"path\":\"3.0.0\"}");
    token = admin("POST", "devices", "{\"deviceId\":\"d1\"}").body().get("token").asText();
    otherToken = admin("POST", "devices", "{\"deviceId\":\"d2\"}").body().get("token").asText();
    admin(
        "POST",
        "rollouts",
        "{\"id\":\"r1\",\"release\":\"2.0.0\",\"filter\":{\"deviceTypes\":[\""
            + TYPE
            + "\"],\"tags\":{}},\"stages\":[{\"name\":\"all\",\"percent\":100,"
            + "\"errorThresholdPercent\":50,\"minReports\":1,\"minSoak\":\"PT1H\"}],"
            + "\"autoAdvance\":true,\"rollbackRelease\":null,\"autoRollback\":false}");
    admin("POST", "rollouts/r1/start", "");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void checkIn_assignedDevice_getsManifestAndArtifactUrlOnTheController() throws Exception {
    CheckResponse answer = checkIn(token, "d1");

    assertThat(answer.updateAvailable()).isTrue();
    assertThat(answer.manifest()).contains("\"2.0.0\"");
    assertThat(answer.artifactUrls().get("rootfs-2.0.0.img"))
        .isEqualTo(server.baseUri() + "/api/v1/updates/download/rootfs-2.0.0.img");
  }

  @Test
  void download_rangeRequest_answers206WithContentRangeAndEtag() throws Exception {
    checkIn(token, "d1");

    HttpResponse<byte[]> r = download(token, "rootfs-2.0.0.img", "bytes=100-199", null);

    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 100-199/100000");
    assertThat(r.headers().firstValue("ETag")).get().asString().doesNotStartWith("W/");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(firmware, 100, 200));
  }

  @Test
  void download_ifRangeMatchesEtag_resumes() throws Exception {
    checkIn(token, "d1");
    String etag =
        download(token, "rootfs-2.0.0.img", null, null).headers().firstValue("ETag").get();

    HttpResponse<byte[]> r = download(token, "rootfs-2.0.0.img", "bytes=99000-", etag);

    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(firmware, 99_000, 100_000));
  }

  @Test
  void download_ifRangeOfAnotherVersion_sendsTheWholeFile() throws Exception {
    checkIn(token, "d1");

    HttpResponse<byte[]> r = download(token, "rootfs-2.0.0.img", "bytes=99000-", "\"stale\"");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(firmware);
  }

  @Test
  void download_fileOfAReleaseNotOfferedToTheDevice_isForbidden() throws Exception {
    checkIn(token, "d1");

    HttpResponse<byte[]> r = download(token, "rootfs-3.0.0.img", null, null);

    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void download_deviceWithoutAssignment_isForbidden() throws Exception {
    HttpResponse<byte[]> r = download(otherToken, "rootfs-2.0.0.img", null, null);

    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void download_nameLeavingTheDirectory_isRejected() throws Exception {
    checkIn(token, "d1");

    HttpResponse<byte[]> r = download(token, "..%2F..%2Fdata%2Fcontroller.db", null, null);

    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void download_withoutToken_isUnauthorized() throws Exception {
    HttpResponse<byte[]> r = download(null, "rootfs-2.0.0.img", null, null);

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void checkIn_tokenOfAnotherDevice_isUnauthorized() throws Exception {
    HttpResponse<byte[]> r = post("/api/v1/updates/check", otherToken, checkRequest("d1"));

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void status_sameReportTwice_isCountedOnce() throws Exception {
    checkIn(token, "d1");
    byte[] report =
        WireJson.toJsonBytes(
            new StatusReport(
                "report-1",
                "d1",
                "r1",
                "2.0.0",
                UpdateState.COMMITTED,
                null,
                "committed",
                Instant.now()));

    HttpResponse<byte[]> first = post("/api/v1/updates/status", token, report);
    HttpResponse<byte[]> second = post("/api/v1/updates/status", token, report);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(WireJson.fromJson(first.body(), StatusAck.class).duplicate()).isFalse();
    assertThat(WireJson.fromJson(second.body(), StatusAck.class).duplicate()).isTrue();
  }

  @Test
  void checkIn_malformedJson_isBadRequest() throws Exception {
    HttpResponse<byte[]> r =
        post("/api/v1/updates/check", token, "{\"device\":".getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("WIRE_MALFORMED");
  }

  @Test
  void admin_wrongToken_isUnauthorized() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/api/v1/admin/rollouts"))
                .header("Authorization", "Bearer not-the-admin-token-at-all")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void admin_releasePathOutsideTheArtifactDirectory_isRejected() throws Exception {
    Reply r = admin("POST", "releases", "{\"path\":\"../data\"}");

    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void admin_cancelForDevice_stopsTheOfferToThatDevice() throws Exception {
    checkIn(token, "d1");

    Reply r = admin("POST", "rollouts/r1/devices/d1/cancel", "");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("wasAssigned").asBoolean()).isTrue();
    assertThat(checkIn(token, "d1").updateAvailable()).isFalse();
    assertThat(download(token, "rootfs-2.0.0.img", null, null).statusCode()).isEqualTo(403);
  }

  @Test
  void admin_unknownRoute_isNotFound() throws Exception {
    Reply r = admin("GET", "rollouts/r1/nonsense", null);

    assertThat(r.status()).isEqualTo(404);
  }

  @Test
  void admin_rollout_showsStateStageAndOutcomes() throws Exception {
    Reply r = admin("GET", "rollouts/r1", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("state").asText()).isEqualTo("RUNNING");
    assertThat(r.body().get("stage").asText()).isEqualTo("all");
    assertThat(r.body().get("outcomes").has("successes")).isTrue();
  }

  @Test
  void metrics_afterACheckIn_areInPrometheusTextFormat() throws Exception {
    checkIn(token, "d1");

    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("edge_update_attempts_total");
  }

  /**
   * A device body naming {@code deviceId} twice was accepted and the last value won, so a body that
   * a reviewer read as registering "gw-0005" registered "evil2" instead.
   */
  @Test
  void admin_deviceBodyWithRepeatedField_isRejectedNamingTheField() throws Exception {
    Reply r = admin("POST", "devices", "{\"deviceId\":\"gw-0005\",\"deviceId\":\"evil2\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().get("error").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(r.body().get("value").asText()).isEqualTo("deviceId");
    assertThat(r.body().get("message").asText()).contains("'deviceId'").contains("repeated");
    assertThat(admin("GET", "devices", null).body().toString())
        .doesNotContain("evil2")
        .doesNotContain("gw-0005");
  }

  /**
   * A release body naming {@code path} twice loaded the last path, not the one a reader of the body
   * saw first.
   */
  @Test
  void admin_releaseBodyWithRepeatedPath_isRejectedNamingTheField() throws Exception {
    Reply r = admin("POST", "releases", "{\"path\":\"2.0.0\",\"path\":\"x\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().get("error").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(r.body().get("value").asText()).isEqualTo("path");
  }

  /**
   * Content after the body's JSON object (a second object) and fields the endpoint does not know
   * were silently ignored, so a client's mistake went unnoticed.
   */
  @Test
  void admin_trailingContentOrUnknownField_isRejectedNamingIt() throws Exception {
    Reply trailing = admin("POST", "devices", "{\"deviceId\":\"d8\"} {\"deviceId\":\"d9\"}");
    Reply unknown = admin("POST", "devices", "{\"deviceId\":\"d8\",\"deviceType\":\"gw\"}");
    Reply unknownInRelease = admin("POST", "releases", "{\"path\":\"2.0.0\",\"force\":true}");

    assertThat(trailing.status()).isEqualTo(400);
    assertThat(trailing.body().get("message").asText()).contains("nothing after");
    assertThat(trailing.body().get("value").asText()).startsWith("{\"deviceId\":\"d9\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().get("value").asText()).isEqualTo("deviceType");
    assertThat(unknownInRelease.status()).isEqualTo(400);
    assertThat(unknownInRelease.body().get("value").asText()).isEqualTo("force");
    assertThat(admin("GET", "devices", null).body().toString()).doesNotContain("d8");
  }

  /**
   * Rollout bodies were read by Jackson straight into the record: a missing {@code autoAdvance}
   * failed with "Cannot map `null` into type `boolean`" instead of taking its documented default.
   */
  @Test
  void admin_rolloutWithoutAutoAdvance_takesTheDocumentedDefault() throws Exception {
    Reply r =
        admin(
            "POST",
            "rollouts",
            "{\"id\":\"r2\",\"release\":\"3.0.0\",\"stages\":[{\"name\":\"all\","
                + "\"percent\":100,\"errorThresholdPercent\":5,\"minReports\":0,"
                + "\"minSoak\":\"PT0S\"}]}");

    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    assertThat(r.body().get("spec").get("autoAdvance").asBoolean()).isTrue();
  }

  /**
   * An invalid rollout answered {@code "error":"MALFORMED"} with Jackson's text ("Cannot construct
   * instance of `org.edgeota.rollout.Stage` ..."), and a syntax error showed "Source: REDACTED
   * (`StreamReadFeature...`)": the reason code and the offending value were buried in internals.
   */
  @Test
  void admin_invalidRollout_answersTheReasonCodeAndValueWithoutParserInternals() throws Exception {
    Reply badStage =
        admin(
            "POST",
            "rollouts",
            "{\"id\":\"r2\",\"release\":\"3.0.0\",\"stages\":[{\"name\":\"all\","
                + "\"percent\":250,\"errorThresholdPercent\":5,\"minReports\":0,"
                + "\"minSoak\":\"PT0S\"}]}");
    Reply badSyntax = admin("POST", "rollouts", "{\"id\":\"r2\",\"release\":}");
    Reply repeated = admin("POST", "rollouts", "{\"id\":\"r2\",\"id\":\"r3\"}");

    for (Reply r : List.of(badStage, badSyntax, repeated)) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body().get("error").asText()).isEqualTo("ROLLOUT_CONFIG_INVALID");
      assertThat(r.body().has("value")).as(r.body().toString()).isTrue();
      assertThat(r.body().get("message").asText())
          .doesNotContain("Cannot construct")
          .doesNotContain("org.edgeota")
          .doesNotContain("Source")
          .doesNotContain("Feature")
          .doesNotContain("`");
    }
    assertThat(badStage.body().get("message").asText()).contains("250");
    assertThat(badSyntax.body().get("value").asText()).isEqualTo("}");
    assertThat(repeated.body().get("value").asText()).isEqualTo("id");
  }

  /**
   * An illegal transition (starting a rollout that already runs, pausing an aborted one) answered
   * 400 instead of the 409 of {@code HttpStatuses.of}.
   */
  @Test
  void admin_illegalTransition_isConflict() throws Exception {
    Reply start = admin("POST", "rollouts/r1/start", "");
    admin("POST", "rollouts/r1/abort", "{\"reason\":\"test\"}");
    Reply pause = admin("POST", "rollouts/r1/pause", "");

    assertThat(start.status()).isEqualTo(409);
    assertThat(start.body().get("error").asText()).isEqualTo("ILLEGAL_TRANSITION");
    assertThat(pause.status()).isEqualTo(409);
  }

  /**
   * A release whose signature does not verify against the trust store answered 400 instead of the
   * 422 of {@code HttpStatuses.of}.
   */
  @Test
  void admin_releaseSignedByAnUnknownKey_isUnprocessable() throws Exception {
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    pack(
        Clock.systemUTC(),
        stranger,
        "4.0.0",
        4,
        "rootfs-4.0.0.img",
        new byte[10],
        tmp.resolve("artifacts"));

    Reply r = admin("POST", "releases", "{\"path\":\"4.0.0\"}");

    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(422);
  }

  /**
   * A release directory that does not exist answered 503 {@code IO_ERROR} with the server's
   * absolute path ("...NoSuchFileException: /tmp/.../manifest.json").
   */
  @Test
  void admin_missingReleaseDirectory_isNotFoundWithTheClientsRelativePath() throws Exception {
    Files.createDirectories(tmp.resolve("artifacts").resolve("empty"));

    Reply missing = admin("POST", "releases", "{\"path\":\"9.9.9\"}");
    Reply empty = admin("POST", "releases", "{\"path\":\"empty\"}");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().get("error").asText()).isEqualTo("RELEASE_NOT_FOUND");
    assertThat(missing.body().get("value").asText()).isEqualTo("9.9.9");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.body().get("value").asText()).isEqualTo("empty/manifest.json");
    for (Reply r : List.of(missing, empty)) {
      assertThat(r.body().toString())
          .doesNotContain(tmp.toAbsolutePath().toString())
          .doesNotContain("Exception");
    }
  }

  /**
   * Encoded separators in a download path got Jetty's HTML page "Error 400 Ambiguous URI path
   * separator" instead of the controller's JSON error document.
   */
  @Test
  void download_encodedSeparators_answerAJsonError() throws Exception {
    checkIn(token, "d1");

    for (String name :
        List.of("%2e%2e/%2e%2e/data/controller.db", "..%2fetc", "a%2Fb", "..%5cetc", "a%00b")) {
      HttpResponse<byte[]> r = download(token, name, null, null);

      assertThat(r.statusCode()).as(name).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).as(name).hasValue("application/json");
      JsonNode body = json.readTree(r.body());
      assertThat(body.get("error").asText()).as(name).isNotBlank();
      assertThat(body.get("message").asText()).as(name).isNotBlank().doesNotContain("<");
      if (!name.contains("%00")) {
        assertThat(body.get("value").asText()).as(name).endsWith("/download/" + name);
      }
    }
  }

  /** A file name with a directory was refused with "file: expected a plain name", no value. */
  @Test
  void download_nameWithADirectory_namesTheValue() throws Exception {
    checkIn(token, "d1");

    HttpResponse<byte[]> r = download(token, "etc/passwd", null, null);

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(body.get("value").asText()).isEqualTo("etc/passwd");
    assertThat(body.get("message").asText()).contains("'etc/passwd'");
  }

  private static void pack(
      Clock clock, SigningKey key, String version, long seq, String file, byte[] data, Path out)
      throws Exception {
    Path payload = Files.createDirectories(out.resolveSibling("payloads")).resolve(file);
    Files.write(payload, data);
    Path dir = out.resolve(version);
    var unsigned =
        ReleasePackage.builder(clock)
            .version(Version.parse(version))
            .sequence(seq)
            .expires(Instant.now().plus(Duration.ofDays(30)))
            .minAgentVersion(Version.of(0, 1, 0))
            .deviceType(TYPE)
            .component("rootfs", Component.TYPE_FIRMWARE, payload, 1, true)
            .pack(dir);
    ReleasePackage.writeManifest(dir, ManifestSigner.sign(unsigned, key));
  }

  private byte[] checkRequest(String deviceId) {
    return WireJson.toJsonBytes(
        new CheckRequest(
            new DeviceInfo(deviceId, TYPE, Version.of(1, 0, 0), Version.of(0, 1, 0), Map.of()),
            1,
            Slot.A));
  }

  private CheckResponse checkIn(String deviceToken, String deviceId) throws Exception {
    HttpResponse<byte[]> r = post("/api/v1/updates/check", deviceToken, checkRequest(deviceId));
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    return WireJson.fromJson(r.body(), CheckResponse.class);
  }

  private HttpResponse<byte[]> post(String path, String bearer, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.baseUri().resolve(path))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> download(String bearer, String file, String range, String ifRange)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.baseUri().resolve("/api/v1/updates/download/" + file));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (range != null) {
      b.header("Range", range);
    }
    if (ifRange != null) {
      b.header("If-Range", ifRange);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  record Reply(int status, JsonNode body) {}

  private Reply admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/v1/admin/" + path))
            .header("Authorization", "Bearer " + ADMIN);
    if ("POST".equals(method)) {
      b.POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode node = r.body().length == 0 ? null : json.readTree(r.body());
    return new Reply(r.statusCode(), node);
  }
}
