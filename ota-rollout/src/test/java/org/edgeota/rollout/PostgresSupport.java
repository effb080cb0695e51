package org.edgeota.rollout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the tests: {@code OTA_TEST_POSTGRES_URL} or the local default, user
 * {@code postgres} with trust authentication. Each test makes its own schema and drops it. Without
 * a server the tests are skipped, unless {@code OTA_REQUIRE_INTEROP=1}, where they fail.
 */
final class PostgresSupport {
  static final String URL =
      System.getenv()
          .getOrDefault("OTA_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = "postgres";

  private PostgresSupport() {}

  static void assumeAvailable() {
    try (Connection c = connect(URL)) {
      c.isValid(2);
    } catch (SQLException e) {
      String message = "PostgreSQL not reachable at " + URL + ": " + e.getMessage();
      if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
        Assertions.fail(message + " (OTA_REQUIRE_INTEROP=1)");
      }
      Assumptions.abort(message);
    }
  }

  static String createSchema() {
    String schema = "ota_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("CREATE SCHEMA " + schema);
    return schema;
  }

  static void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /**
   * Returns the URL of a test schema. The tests turn off {@code synchronous_commit} for their own
   * sessions: they check the logic, not the server's durability, and commit thousands of times.
   */
  static String urlFor(String schema) {
    return URL
        + (URL.contains("?") ? "&" : "?")
        + "currentSchema="
        + schema
        + "&options=-c%20synchronous_commit%3Doff";
  }

  private static void execute(String sql) {
    try (Connection c = connect(URL);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("connectTimeout", "3");
    return DriverManager.getConnection(url, p);
  }
}
