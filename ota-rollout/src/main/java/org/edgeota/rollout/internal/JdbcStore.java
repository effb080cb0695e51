package org.edgeota.rollout.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.api.Version;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.Assignment;
import org.edgeota.rollout.Buckets;
import org.edgeota.rollout.ControllerStore;
import org.edgeota.rollout.DeviceRecord;
import org.edgeota.rollout.OutcomeCounts;
import org.edgeota.rollout.ReleaseRecord;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutEvent;
import org.edgeota.rollout.RolloutSpec;
import org.edgeota.rollout.RolloutState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A {@link ControllerStore} on a relational database: SQLite (one file, one machine) or PostgreSQL
 * (several controller instances).
 *
 * <p>Design notes. Every operation is one transaction on a pooled connection. Transitions are
 * {@code UPDATE ... WHERE revision = ?}; report de-duplication is the primary key of {@code
 * reports} with {@code ON CONFLICT DO NOTHING}; counts are aggregates over rows, never counters. On
 * PostgreSQL the conditional insert of an assignment takes a share lock on the rollout row, so it
 * waits for a concurrent pause to commit and then sees it. SQLite runs in WAL mode with {@code
 * synchronous=FULL}: a status report is acknowledged to a device, which then drops it from its
 * outbox, so the commit must survive a power cut, not only a crash of the process; read-only
 * check-ins commit nothing and pay no fsync. Serialization failures and deadlocks (PostgreSQL) and
 * busy errors (SQLite shared by processes) are retried a few times.
 */
public final class JdbcStore implements ControllerStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  private static final int ATTEMPTS = 5;

  private enum Dialect {
    SQLITE,
    POSTGRES
  }

  private final Dialect dialect;
  private final ConnectionFactory factory;
  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();
  private final JsonCodec json = new JsonCodec();
  // Rollout definitions never change once stored; parsing each on every check-in is wasted work.
  private final Map<String, RolloutSpec> specs = new ConcurrentHashMap<>();

  @FunctionalInterface
  private interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private JdbcStore(Dialect dialect, ConnectionFactory factory, int size) {
    this.dialect = dialect;
    this.factory = factory;
    this.pool = new ArrayBlockingQueue<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Connection c = factory.open();
        c.setAutoCommit(false);
        all.add(c);
        pool.add(c);
      }
      migrate();
    } catch (SQLException e) {
      close();
      throw new OtaException(
          ReasonCode.STORE_ERROR,
          null,
          dialect + " store: expected to open and migrate the database, found " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Opens (creating if needed) an SQLite database file.
   *
   * @param file the database file
   * @return the store, migrated to the latest schema
   * @throws OtaException with {@link ReasonCode#STORE_ERROR} when the file cannot be opened
   */
  public static JdbcStore sqlite(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
    Properties props = config.toProperties();
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    return new JdbcStore(
        Dialect.SQLITE,
        () -> {
          Connection c = DriverManager.getConnection(url, props);
          try {
            enableWal(c);
          } catch (SQLException e) {
            c.close();
            throw e;
          }
          return c;
        },
        1);
  }

  private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;
  private static final int WAL_SWITCH_ATTEMPTS = 250;
  private static final long WAL_SWITCH_PAUSE_MILLIS = 20;

  /**
   * Switches the database to WAL mode. Changing the journal mode needs the database to itself and
   * SQLite may refuse it with SQLITE_BUSY without waiting on the busy timeout, so several instances
   * opening one new file at once retry it here, for about five seconds at most.
   */
  private static void enableWal(Connection c) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
        String mode = rs.next() ? rs.getString(1) : null;
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new SQLException("expected journal_mode wal, found " + mode);
        }
        return;
      } catch (SQLException e) {
        boolean busy = e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY");
        if (!busy || attempt >= WAL_SWITCH_ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(WAL_SWITCH_PAUSE_MILLIS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while switching to WAL mode", ie);
        }
      }
    }
  }

  /**
   * Connects to PostgreSQL.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL (a {@code currentSchema} parameter selects the
   *     schema)
   * @param user the user
   * @param password the password, or {@code null}
   * @param connections how many pooled connections
   * @return the store, migrated to the latest schema
   * @throws OtaException with {@link ReasonCode#STORE_ERROR} when the server cannot be reached
   */
  public static JdbcStore postgres(String jdbcUrl, String user, String password, int connections) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          jdbcUrl,
          "jdbcUrl: expected a jdbc:postgresql: URL, found " + jdbcUrl);
    }
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    return new JdbcStore(
        Dialect.POSTGRES, () -> DriverManager.getConnection(jdbcUrl, props), connections);
  }

  private void migrate() {
    tx(
        c -> {
          try (Statement s = c.createStatement()) {
            if (dialect == Dialect.POSTGRES) {
              // Serialises migrations of instances starting at once.
              s.execute("SELECT pg_advisory_xact_lock(7305174)");
            }
            s.execute(
                "CREATE TABLE IF NOT EXISTS ota_schema_version"
                    + " (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ota_schema_version")) {
              if (rs.next()) {
                current = rs.getInt(1);
              }
            }
            if (current > Migrations.latest()) {
              throw new OtaException(
                  ReasonCode.STORE_ERROR,
                  Integer.toString(current),
                  "schema version: expected at most "
                      + Migrations.latest()
                      + ", found "
                      + current
                      + " (written by a newer controller)");
            }
            for (int v = current; v < Migrations.latest(); v++) {
              for (String sql : Migrations.STEPS.get(v)) {
                s.execute(sql);
              }
              try (PreparedStatement p =
                  c.prepareStatement("INSERT INTO ota_schema_version VALUES (?, ?)")) {
                p.setInt(1, v + 1);
                p.setLong(2, System.currentTimeMillis());
                p.executeUpdate();
              }
              LOG.info("{} store: schema migrated to version {}", dialect, v + 1);
            }
          }
          return null;
        });
  }

  /**
   * Returns the schema version of the database.
   *
   * @return the highest applied migration
   */
  public int schemaVersion() {
    return tx(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ota_schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  @Override
  public boolean putRelease(ReleaseRecord r) {
    return tx(
        c -> {
          Optional<ReleaseRecord> existing = release(c, r.version());
          if (existing.isPresent()) {
            if (existing.get().manifest().equals(r.manifest())) {
              return false;
            }
            throw StoreSupport.releaseConflict(r.version());
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO releases (version, sequence, downgrade, target_types, files,"
                      + " manifest, artifact_dir, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            p.setString(1, r.version().toString());
            p.setLong(2, r.sequence());
            p.setInt(3, r.downgrade() ? 1 : 0);
            p.setString(4, json.writeList(r.targetDeviceTypes()));
            p.setString(5, json.writeList(r.files()));
            p.setString(6, r.manifest());
            p.setString(7, r.artifactDirectory().toString());
            p.setLong(8, r.addedAt().toEpochMilli());
            if (p.executeUpdate() == 0) {
              throw StoreSupport.releaseConflict(r.version());
            }
          }
          return true;
        });
  }

  @Override
  public Optional<ReleaseRecord> release(Version version) {
    return tx(c -> release(c, version));
  }

  private Optional<ReleaseRecord> release(Connection c, Version version) throws SQLException {
    List<ReleaseRecord> list =
        query(c, "SELECT * FROM releases WHERE version = ?", this::readRelease, version.toString());
    return list.stream().findFirst();
  }

  @Override
  public List<ReleaseRecord> releases() {
    return tx(c -> query(c, "SELECT * FROM releases ORDER BY sequence", this::readRelease));
  }

  @Override
  public void registerDevice(String deviceId, String tokenHash, Instant at) {
    tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO devices (device_id, token_hash, tags, registered_at)"
                      + " VALUES (?, ?, '{}', ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, deviceId);
            p.setString(2, tokenHash);
            p.setLong(3, at.toEpochMilli());
            if (p.executeUpdate() == 0) {
              throw StoreSupport.deviceConflict(deviceId);
            }
          }
          return null;
        });
  }

  @Override
  public Optional<DeviceRecord> device(String deviceId) {
    return tx(
        c ->
            query(c, "SELECT * FROM devices WHERE device_id = ?", this::readDevice, deviceId)
                .stream()
                .findFirst());
  }

  @Override
  public List<DeviceRecord> devices() {
    return tx(c -> query(c, "SELECT * FROM devices ORDER BY device_id", this::readDevice));
  }

  @Override
  public void updateDeviceInfo(DeviceInfo info, Instant seenAt) {
    tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE devices SET device_type = ?, tags = ?, installed_version = ?,"
                      + " agent_version = ?, last_seen = CASE WHEN last_seen IS NULL"
                      + " OR last_seen < ? THEN ? ELSE last_seen END WHERE device_id = ?")) {
            p.setString(1, info.deviceType());
            p.setString(2, json.writeMap(new TreeMap<>(info.tags())));
            p.setString(3, info.installedVersion().toString());
            p.setString(4, info.agentVersion().toString());
            p.setLong(5, seenAt.toEpochMilli());
            p.setLong(6, seenAt.toEpochMilli());
            p.setString(7, info.deviceId());
            if (p.executeUpdate() == 0) {
              throw StoreSupport.deviceNotFound(info.deviceId());
            }
          }
          return null;
        });
  }

  @Override
  public void recordLastSeen(Map<String, Instant> lastSeen) {
    if (lastSeen.isEmpty()) {
      return;
    }
    Map<String, Instant> sorted = new TreeMap<>(lastSeen);
    tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE devices SET last_seen = ? WHERE device_id = ?"
                      + " AND (last_seen IS NULL OR last_seen < ?)")) {
            for (Map.Entry<String, Instant> e : sorted.entrySet()) {
              p.setLong(1, e.getValue().toEpochMilli());
              p.setString(2, e.getKey());
              p.setLong(3, e.getValue().toEpochMilli());
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void createRollout(Rollout r) {
    tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO rollouts (rollout_id, spec, state, stage_index, stage_started_at,"
                      + " reason, rolled_back_to, created_at, revision)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, r.id());
            p.setString(2, json.writeSpec(r.spec()));
            p.setString(3, r.state().name());
            p.setInt(4, r.stageIndex());
            setInstant(p, 5, r.stageStartedAt());
            p.setString(6, r.reason());
            p.setString(7, r.rolledBackTo() == null ? null : r.rolledBackTo().toString());
            p.setLong(8, r.createdAt().toEpochMilli());
            p.setLong(9, r.revision());
            if (p.executeUpdate() == 0) {
              throw StoreSupport.rolloutConflict(r.id());
            }
          }
          insertEvent(c, StoreSupport.event(r, r.createdAt()));
          return null;
        });
  }

  @Override
  public Optional<Rollout> rollout(String rolloutId) {
    return tx(
        c ->
            query(c, "SELECT * FROM rollouts WHERE rollout_id = ?", this::readRollout, rolloutId)
                .stream()
                .findFirst());
  }

  @Override
  public List<Rollout> rollouts() {
    return tx(
        c -> query(c, "SELECT * FROM rollouts ORDER BY created_at, rollout_id", this::readRollout));
  }

  @Override
  public List<Rollout> rollouts(Set<RolloutState> states) {
    if (states.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(states.size(), "?"));
    Object[] names = states.stream().map(Enum::name).sorted().toArray();
    return tx(
        c ->
            query(
                c,
                "SELECT * FROM rollouts WHERE state IN ("
                    + marks
                    + ") ORDER BY created_at, rollout_id",
                this::readRollout,
                names));
  }

  @Override
  public boolean compareAndSet(Rollout expected, Rollout next, Instant at) {
    StoreSupport.checkNext(expected, next);
    return tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE rollouts SET state = ?, stage_index = ?, stage_started_at = ?,"
                      + " reason = ?, rolled_back_to = ?, revision = ?"
                      + " WHERE rollout_id = ? AND revision = ?")) {
            p.setString(1, next.state().name());
            p.setInt(2, next.stageIndex());
            setInstant(p, 3, next.stageStartedAt());
            p.setString(4, next.reason());
            p.setString(5, next.rolledBackTo() == null ? null : next.rolledBackTo().toString());
            p.setLong(6, next.revision());
            p.setString(7, expected.id());
            p.setLong(8, expected.revision());
            if (p.executeUpdate() == 0) {
              return false;
            }
          }
          insertEvent(c, StoreSupport.event(next, at));
          return true;
        });
  }

  private void insertEvent(Connection c, RolloutEvent e) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO rollout_events (rollout_id, revision, state, stage_index, reason, at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, e.rolloutId());
      p.setLong(2, e.revision());
      p.setString(3, e.state().name());
      p.setInt(4, e.stageIndex());
      p.setString(5, e.reason());
      p.setLong(6, e.at().toEpochMilli());
      p.executeUpdate();
    }
  }

  @Override
  public List<RolloutEvent> history(String rolloutId) {
    return tx(
        c ->
            query(
                c,
                "SELECT * FROM rollout_events WHERE rollout_id = ? ORDER BY revision",
                rs ->
                    new RolloutEvent(
                        rs.getString("rollout_id"),
                        rs.getLong("revision"),
                        RolloutState.valueOf(rs.getString("state")),
                        rs.getInt("stage_index"),
                        rs.getString("reason"),
                        instant(rs, "at")),
                rolloutId));
  }

  @Override
  public boolean assign(Assignment a, long expectedRevision) {
    String lock = dialect == Dialect.POSTGRES ? " FOR SHARE" : "";
    return tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO assignments (rollout_id, device_id, bucket, stage_index,"
                      + " assigned_at, cancelled) SELECT ?, ?, ?, ?, ?, 0 WHERE EXISTS"
                      + " (SELECT 1 FROM rollouts WHERE rollout_id = ? AND revision = ?"
                      + " AND state = 'RUNNING'"
                      + lock
                      + ") ON CONFLICT DO NOTHING")) {
            p.setString(1, a.rolloutId());
            p.setString(2, a.deviceId());
            p.setInt(3, a.bucket());
            p.setInt(4, a.stageIndex());
            p.setLong(5, a.assignedAt().toEpochMilli());
            p.setString(6, a.rolloutId());
            p.setLong(7, expectedRevision);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<Assignment> assignment(String rolloutId, String deviceId) {
    return tx(
        c ->
            query(
                    c,
                    "SELECT * FROM assignments WHERE rollout_id = ? AND device_id = ?",
                    this::readAssignment,
                    rolloutId,
                    deviceId)
                .stream()
                .findFirst());
  }

  @Override
  public List<Assignment> assignments(String rolloutId) {
    return tx(
        c ->
            query(
                c,
                "SELECT * FROM assignments WHERE rollout_id = ? ORDER BY device_id",
                this::readAssignment,
                rolloutId));
  }

  @Override
  public boolean cancelAssignment(String rolloutId, String deviceId, Instant at) {
    return tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE assignments SET cancelled = 1"
                      + " WHERE rollout_id = ? AND device_id = ? AND cancelled = 0")) {
            p.setString(1, rolloutId);
            p.setString(2, deviceId);
            if (p.executeUpdate() == 1) {
              return true;
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO assignments (rollout_id, device_id, bucket, stage_index,"
                      + " assigned_at, cancelled) SELECT ?, ?, ?, -1, ?, 1 WHERE EXISTS"
                      + " (SELECT 1 FROM rollouts WHERE rollout_id = ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, rolloutId);
            p.setString(2, deviceId);
            p.setInt(3, Buckets.bucket(rolloutId, deviceId));
            p.setLong(4, at.toEpochMilli());
            p.setString(5, rolloutId);
            p.executeUpdate();
          }
          return false;
        });
  }

  @Override
  public OutcomeCounts outcomes(String rolloutId) {
    return tx(
        c ->
            query(
                    c,
                    "SELECT COUNT(*),"
                        + " SUM(CASE WHEN outcome = 'COMMITTED' THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN outcome IN ('FAILED', 'ROLLED_BACK') THEN 1 ELSE 0 END)"
                        + " FROM assignments WHERE rollout_id = ? AND cancelled = 0",
                    rs -> new OutcomeCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                    rolloutId)
                .get(0));
  }

  @Override
  public boolean recordReport(StatusReport r, boolean countsAsOutcome, Instant receivedAt) {
    long at = r.timestamp().toEpochMilli();
    return tx(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO reports (report_id, device_id, rollout_id, version, state, reason,"
                      + " reported_at, received_at, assignment_outcome)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING")) {
            p.setString(1, r.reportId());
            p.setString(2, r.deviceId());
            p.setString(3, r.rolloutId());
            p.setString(4, r.version());
            p.setString(5, r.state().name());
            p.setString(6, r.reason());
            p.setLong(7, at);
            p.setLong(8, receivedAt.toEpochMilli());
            if (p.executeUpdate() == 0) {
              StoreSupport.ReportBody given = StoreSupport.ReportBody.of(r);
              List<StoreSupport.ReportBody> stored =
                  query(
                      c,
                      "SELECT device_id, rollout_id, version, state, reason FROM reports"
                          + " WHERE report_id = ?",
                      rs ->
                          new StoreSupport.ReportBody(
                              rs.getString(1),
                              rs.getString(2),
                              rs.getString(3),
                              rs.getString(4),
                              rs.getString(5)),
                      r.reportId());
              if (!stored.isEmpty() && !stored.get(0).equals(given)) {
                throw StoreSupport.reportConflict(r.reportId(), stored.get(0), given);
              }
              return false;
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE devices SET last_state = ?, last_state_at = ? WHERE device_id = ?"
                      + " AND (last_state_at IS NULL OR last_state_at <= ?)")) {
            p.setString(1, r.state().name());
            p.setLong(2, at);
            p.setString(3, r.deviceId());
            p.setLong(4, at);
            p.executeUpdate();
          }
          if (countsAsOutcome && r.rolloutId() != null) {
            // Written after the insert, so the transaction takes the write lock first (SQLite).
            try (PreparedStatement p =
                c.prepareStatement(
                    "UPDATE reports SET assignment_outcome = 1 WHERE report_id = ? AND EXISTS"
                        + " (SELECT 1 FROM assignments WHERE rollout_id = ? AND device_id = ?"
                        + " AND stage_index >= 0 AND cancelled = 0)")) {
              p.setString(1, r.reportId());
              p.setString(2, r.rolloutId());
              p.setString(3, r.deviceId());
              p.executeUpdate();
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "UPDATE assignments SET outcome = ?, outcome_at = ?, outcome_received_at = ?"
                        + " WHERE rollout_id = ? AND device_id = ?"
                        + " AND (outcome_at IS NULL OR outcome_at <= ?)")) {
              p.setString(1, r.state().name());
              p.setLong(2, at);
              p.setLong(3, receivedAt.toEpochMilli());
              p.setString(4, r.rolloutId());
              p.setString(5, r.deviceId());
              p.setLong(6, at);
              p.executeUpdate();
            }
          }
          return true;
        });
  }

  @Override
  public Map<UpdateState, Long> reportCounts() {
    return tx(
        c -> {
          Map<UpdateState, Long> counts = new EnumMap<>(UpdateState.class);
          for (Object[] row :
              query(
                  c,
                  "SELECT state, COUNT(*) FROM reports GROUP BY state",
                  rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
            counts.put(UpdateState.valueOf((String) row[0]), (Long) row[1]);
          }
          return Map.copyOf(counts);
        });
  }

  @Override
  public Map<UpdateState, Long> assignmentOutcomeCounts() {
    return tx(
        c -> {
          Map<UpdateState, Long> counts = new EnumMap<>(UpdateState.class);
          for (Object[] row :
              query(
                  c,
                  "SELECT state, COUNT(*) FROM reports WHERE assignment_outcome = 1"
                      + " GROUP BY state",
                  rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
            counts.put(UpdateState.valueOf((String) row[0]), (Long) row[1]);
          }
          return Map.copyOf(counts);
        });
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.warn("{} store: closing a connection failed: {}", dialect, e.getMessage());
      }
    }
    all.clear();
    pool.clear();
  }

  private ReleaseRecord readRelease(ResultSet rs) throws SQLException {
    return new ReleaseRecord(
        Version.parse(rs.getString("version")),
        rs.getLong("sequence"),
        rs.getInt("downgrade") != 0,
        json.readList(rs.getString("target_types")),
        json.readList(rs.getString("files")),
        rs.getString("manifest"),
        Path.of(rs.getString("artifact_dir")),
        instant(rs, "added_at"));
  }

  private DeviceRecord readDevice(ResultSet rs) throws SQLException {
    String installed = rs.getString("installed_version");
    String agent = rs.getString("agent_version");
    String state = rs.getString("last_state");
    return new DeviceRecord(
        rs.getString("device_id"),
        rs.getString("token_hash"),
        rs.getString("device_type"),
        json.readMap(rs.getString("tags")),
        installed == null ? null : Version.parse(installed),
        agent == null ? null : Version.parse(agent),
        state == null ? null : UpdateState.valueOf(state),
        instant(rs, "last_state_at"),
        instant(rs, "registered_at"),
        instant(rs, "last_seen"));
  }

  private Rollout readRollout(ResultSet rs) throws SQLException {
    String back = rs.getString("rolled_back_to");
    return new Rollout(
        specs.computeIfAbsent(rs.getString("spec"), json::readSpec),
        RolloutState.valueOf(rs.getString("state")),
        rs.getInt("stage_index"),
        instant(rs, "stage_started_at"),
        rs.getString("reason"),
        back == null ? null : Version.parse(back),
        instant(rs, "created_at"),
        rs.getLong("revision"));
  }

  private Assignment readAssignment(ResultSet rs) throws SQLException {
    String outcome = rs.getString("outcome");
    return new Assignment(
        rs.getString("rollout_id"),
        rs.getString("device_id"),
        rs.getInt("bucket"),
        rs.getInt("stage_index"),
        instant(rs, "assigned_at"),
        rs.getInt("cancelled") != 0,
        outcome == null ? null : UpdateState.valueOf(outcome),
        instant(rs, "outcome_at"),
        instant(rs, "outcome_received_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setInstant(PreparedStatement p, int index, Instant value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, value.toEpochMilli());
    }
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> query(Connection c, String sql, RowReader<T> reader, Object... args)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, (String) args[i]);
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          rows.add(reader.read(rs));
        }
      }
      return rows;
    }
  }

  private <T> T tx(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      Connection c = borrow();
      boolean broken = false;
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException e) {
        rollbackQuietly(c);
        broken = e.getSQLState() != null && e.getSQLState().startsWith("08");
        if (retryable(e) && attempt < ATTEMPTS) {
          LOG.warn("{} store: transaction attempt {} failed, retrying: {}", dialect, attempt, e);
          continue;
        }
        throw new OtaException(
            ReasonCode.STORE_ERROR,
            e.getSQLState(),
            dialect + " store: expected the transaction to commit, found " + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        giveBack(c, broken);
      }
    }
  }

  private boolean retryable(SQLException e) {
    String state = e.getSQLState();
    if (dialect == Dialect.POSTGRES) {
      return "40001".equals(state)
          || "40P01".equals(state)
          || (state != null && state.startsWith("08"));
    }
    int code = e.getErrorCode() & 0xff;
    return code == 5 || code == 6; // SQLITE_BUSY, SQLITE_LOCKED
  }

  private Connection borrow() {
    try {
      Connection c = pool.take();
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaException(
          ReasonCode.STORE_ERROR,
          null,
          dialect + " store: interrupted waiting for a connection",
          e);
    }
  }

  private void giveBack(Connection c, boolean broken) {
    Connection back = c;
    if (broken) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.warn("{} store: closing a broken connection failed: {}", dialect, e.getMessage());
      }
      try {
        back = factory.open();
        back.setAutoCommit(false);
        synchronized (all) {
          all.remove(c);
          all.add(back);
        }
      } catch (SQLException e) {
        LOG.warn("{} store: reconnecting failed, keeping the broken connection: {}", dialect, e);
        back = c;
      }
    }
    pool.add(back);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.warn("rollback failed: {}", e.getMessage());
    }
  }
}
