package org.edgeota.rollout.internal;

import java.util.List;

/**
 * The versioned schema of the database stores. A migration is applied once, in order, inside one
 * transaction together with its row in {@code ota_schema_version}; a released migration is never
 * edited, only followed by a new one. The SQL is the subset SQLite and PostgreSQL share.
 */
final class Migrations {

  /** Migration {@code i} brings the schema from version {@code i} to version {@code i + 1}. */
  static final List<List<String>> STEPS =
      List.of(
          List.of(
              "CREATE TABLE releases (version TEXT PRIMARY KEY, sequence BIGINT NOT NULL,"
                  + " downgrade INTEGER NOT NULL, target_types TEXT NOT NULL,"
                  + " files TEXT NOT NULL, manifest TEXT NOT NULL, artifact_dir TEXT NOT NULL,"
                  + " added_at BIGINT NOT NULL)",
              "CREATE TABLE devices (device_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL,"
                  + " device_type TEXT, tags TEXT NOT NULL, installed_version TEXT,"
                  + " agent_version TEXT, last_state TEXT, last_state_at BIGINT,"
                  + " registered_at BIGINT NOT NULL, last_seen BIGINT)",
              "CREATE TABLE rollouts (rollout_id TEXT PRIMARY KEY, spec TEXT NOT NULL,"
                  + " state TEXT NOT NULL, stage_index INTEGER NOT NULL, stage_started_at BIGINT,"
                  + " reason TEXT, rolled_back_to TEXT, created_at BIGINT NOT NULL,"
                  + " revision BIGINT NOT NULL)",
              "CREATE TABLE rollout_events (rollout_id TEXT NOT NULL, revision BIGINT NOT NULL,"
                  + " state TEXT NOT NULL, stage_index INTEGER NOT NULL, reason TEXT,"
                  + " at BIGINT NOT NULL, PRIMARY KEY (rollout_id, revision))",
              "CREATE TABLE assignments (rollout_id TEXT NOT NULL, device_id TEXT NOT NULL,"
                  + " bucket INTEGER NOT NULL, stage_index INTEGER NOT NULL,"
                  + " assigned_at BIGINT NOT NULL, cancelled INTEGER NOT NULL,"
                  + " outcome TEXT, outcome_at BIGINT, outcome_received_at BIGINT,"
                  + " PRIMARY KEY (rollout_id, device_id))",
              "CREATE INDEX assignments_by_device ON assignments (device_id)",
              "CREATE TABLE reports (report_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,"
                  + " rollout_id TEXT, version TEXT, state TEXT NOT NULL, reason TEXT,"
                  + " reported_at BIGINT NOT NULL, received_at BIGINT NOT NULL)",
              "CREATE INDEX reports_by_state ON reports (state)"),
          // 2: whether a report is the outcome of an assignment, fixed when it is stored, so the
          // success and failure counters count only those (reports naming an unknown rollout, or
          // a rollout the device was not assigned, are still stored and acknowledged).
          List.of(
              "ALTER TABLE reports ADD COLUMN assignment_outcome INTEGER NOT NULL DEFAULT 0",
              "UPDATE reports SET assignment_outcome = 1"
                  + " WHERE state IN ('COMMITTED', 'FAILED', 'ROLLED_BACK') AND EXISTS"
                  + " (SELECT 1 FROM assignments a WHERE a.rollout_id = reports.rollout_id"
                  + " AND a.device_id = reports.device_id AND a.stage_index >= 0"
                  + " AND a.cancelled = 0)"));

  private Migrations() {}

  /**
   * Returns the schema version this code writes.
   *
   * @return the number of migrations
   */
  static int latest() {
    return STEPS.size();
  }
}
