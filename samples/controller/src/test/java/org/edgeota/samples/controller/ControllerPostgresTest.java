package org.edgeota.samples.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStoreDocument;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the controller on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}) in a schema of its own; skipped when no server answers, failed instead when
 * {@code OTA_REQUIRE_INTEROP=1}.
 */
class ControllerPostgresTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String SCHEMA = "sample_controller_test";
  private static final String ADMIN = "admin-token-of-the-postgres-test-0123";
  private static final String APP = "ota_sample_controller_test";

  @TempDir Path tmp;

  @Test
  void start_postgresStore_registersAndListsDevicesThroughTheAdminApi() throws Exception {
    freshSchema();
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path trust = tmp.resolve("trust-store.json");
    Files.write(
        trust,
        TrustStoreDocument.create(
                List.of(key.trustedKey()), 1, 1, Instant.now().plus(Duration.ofDays(1)))
            .sign(key)
            .toJson());
    ControllerConfig config =
        new ControllerConfig(
            "127.0.0.1",
            0,
            URL + "?currentSchema=" + SCHEMA + "&ApplicationName=" + APP,
            "postgres",
            null,
            tmp.resolve("data"),
            tmp.resolve("artifacts"),
            trust,
            ADMIN,
            null,
            null,
            null,
            6);
    HttpClient http = HttpClient.newHttpClient();

    try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
      HttpResponse<String> created = admin(http, server, "devices", "{\"deviceId\":\"pg-1\"}");
      HttpResponse<String> listed = admin(http, server, "devices", null);

      assertThat(sessionsOf(APP)).as("pool of store.connections=6").isEqualTo(6);
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("\"pg-1\"");
    }
    assertThat(Files.exists(tmp.resolve("data").resolve(ControllerServer.EMBEDDED_DB))).isFalse();
  }

  private static HttpResponse<String> admin(
      HttpClient http, ControllerServer server, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/v1/admin/" + path))
            .header("Authorization", "Bearer " + ADMIN);
    if (body != null) {
      b.POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long sessionsOf(String applicationName) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL, "postgres", null);
        Statement s = c.createStatement();
        java.sql.ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + applicationName
                    + "'")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void freshSchema() {
    try (Connection c = DriverManager.getConnection(URL, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
    } catch (SQLException e) {
      if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
        throw new AssertionError("PostgreSQL on 127.0.0.1:5432 is required: " + e, e);
      }
      Assumptions.abort("PostgreSQL on 127.0.0.1:5432 not reachable, skipping: " + e);
    }
  }
}
