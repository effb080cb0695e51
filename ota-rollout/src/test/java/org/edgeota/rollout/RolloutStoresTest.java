package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutStoresTest {
  @TempDir Path tmp;

  @Test
  void embedded_newFile_runsInWalMode() throws Exception {
    Path file = tmp.resolve("c.db");
    RolloutStores.embedded(file).close();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();

      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void embedded_schemaWrittenByNewerController_isRefused() throws Exception {
    Path file = tmp.resolve("c.db");
    RolloutStores.embedded(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO ota_schema_version VALUES (99, 0)");
    }

    assertThatThrownBy(() -> RolloutStores.embedded(file))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected at most 2, found 99")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.STORE_ERROR);
  }

  /**
   * Migration 2 adds the mark "outcome of an assignment" to the reports table; reports stored
   * before it are marked when they are terminal and their device holds an assignment of the rollout
   * they name, so the success counter does not start counting reports of unknown rollouts again.
   */
  @Test
  void embedded_schemaVersion1_isMigratedAndOldOutcomesOfAssignmentsAreMarked() throws Exception {
    Path file = tmp.resolve("v1.db");
    RolloutStores.embedded(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      backToVersion1WithReports(c);
    }

    try (ControllerStore reopened = RolloutStores.embedded(file)) {

      assertMigratedOutcomes(reopened);
    }
  }

  /** The same migration on PostgreSQL. */
  @Test
  void postgres_schemaVersion1_isMigratedAndOldOutcomesOfAssignmentsAreMarked() throws Exception {
    PostgresSupport.assumeAvailable();
    String schema = PostgresSupport.createSchema();
    try {
      String url = PostgresSupport.urlFor(schema);
      RolloutStores.postgres(url, PostgresSupport.USER, null).close();
      try (Connection c = DriverManager.getConnection(url, PostgresSupport.USER, null)) {
        backToVersion1WithReports(c);
      }

      try (ControllerStore reopened = RolloutStores.postgres(url, PostgresSupport.USER, null)) {

        assertMigratedOutcomes(reopened);
      }
    } finally {
      PostgresSupport.dropSchema(schema);
    }
  }

  private static void backToVersion1WithReports(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM ota_schema_version WHERE version = 2");
      s.execute("ALTER TABLE reports DROP COLUMN assignment_outcome");
      s.execute("INSERT INTO assignments VALUES ('r1', 'd1', 3, 0, 0, 0, NULL, NULL, NULL)");
      s.execute("INSERT INTO reports VALUES ('a', 'd1', 'r1', '2.0.0', 'COMMITTED', NULL, 0, 0)");
      s.execute("INSERT INTO reports VALUES ('b', 'd2', 'r1', '2.0.0', 'COMMITTED', NULL, 0, 0)");
      s.execute("INSERT INTO reports VALUES ('c', 'd1', 'nope', '2.0.0', 'FAILED', NULL, 0, 0)");
      s.execute("INSERT INTO reports VALUES ('d', 'd1', 'r1', '2.0.0', 'DOWNLOADING', NULL, 0, 0)");
    }
  }

  private static void assertMigratedOutcomes(ControllerStore store) {
    assertThat(store.assignmentOutcomeCounts())
        .containsExactly(java.util.Map.entry(UpdateState.COMMITTED, 1L));
    assertThat(store.reportCounts()).containsEntry(UpdateState.COMMITTED, 2L);
  }

  @Test
  void embedded_acknowledgedReportSurvivesReopen() {
    Path file = tmp.resolve("c.db");
    try (ControllerStore store = RolloutStores.embedded(file)) {
      store.registerDevice("d1", "00", Instant.EPOCH);
      store.recordReport(
          new org.edgeota.api.wire.StatusReport(
              "r1",
              "d1",
              null,
              "1.0.0",
              org.edgeota.api.UpdateState.FAILED,
              null,
              null,
              Instant.EPOCH),
          false,
          Instant.EPOCH);
    }

    try (ControllerStore reopened = RolloutStores.embedded(file)) {

      boolean fresh =
          reopened.recordReport(
              new org.edgeota.api.wire.StatusReport(
                  "r1",
                  "d1",
                  null,
                  "1.0.0",
                  org.edgeota.api.UpdateState.FAILED,
                  null,
                  null,
                  Instant.EPOCH),
              false,
              Instant.EPOCH);

      assertThat(fresh).isFalse();
      assertThat(reopened.reportCounts()).containsEntry(org.edgeota.api.UpdateState.FAILED, 1L);
    }
  }

  @Test
  void postgres_poolSizeOutOfRange_isRejectedNamingIt() {
    for (int size : new int[] {0, -1, 257}) {
      assertThatThrownBy(
              () -> RolloutStores.postgres("jdbc:postgresql://127.0.0.1/x", "u", null, size))
          .isInstanceOf(OtaException.class)
          .hasMessageContaining("pool size")
          .satisfies(
              e -> {
                OtaException o = (OtaException) e;
                assertThat(o.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT);
                assertThat(o.offendingValue()).isEqualTo(String.valueOf(size));
              });
    }
  }

  @Test
  void postgres_poolSizeGiven_opensThatManyServerSessions() throws Exception {
    PostgresSupport.assumeAvailable();
    String schema = PostgresSupport.createSchema();
    String app = "ota_pool_" + schema;
    try {
      String url = PostgresSupport.urlFor(schema) + "&ApplicationName=" + app;

      try (ControllerStore store = RolloutStores.postgres(url, PostgresSupport.USER, null, 7)) {

        assertThat(sessionsOf(app)).isEqualTo(7);
      }
      // A server session ends a moment after its client closed it: wait for that, bounded.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (sessionsOf(app) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(sessionsOf(app)).isZero();
    } finally {
      PostgresSupport.dropSchema(schema);
    }
  }

  private static long sessionsOf(String applicationName) throws Exception {
    try (Connection c =
            DriverManager.getConnection(PostgresSupport.URL, PostgresSupport.USER, null);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + applicationName
                    + "'")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void postgres_urlOfAnotherDatabase_isRejected() {
    assertThatThrownBy(() -> RolloutStores.postgres("jdbc:mysql://127.0.0.1/x", "u", null))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }

  @Test
  void postgres_noServerListening_failsWithStoreError() {
    assertThatThrownBy(
            () ->
                RolloutStores.postgres(
                    "jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2", "postgres", null))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.STORE_ERROR);
  }
}
