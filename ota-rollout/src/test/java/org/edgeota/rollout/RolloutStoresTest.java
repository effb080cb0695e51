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
        .hasMessageContaining("expected at most 1, found 99")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.STORE_ERROR);
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
