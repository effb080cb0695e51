package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgeota.rollout.internal.JdbcStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the store behaviour suite on PostgreSQL, one fresh schema per test. */
class PostgresStoreBehaviourTest extends AbstractStoreBehaviourTest {
  private String schema;

  @Override
  protected ControllerStore openStore() {
    PostgresSupport.assumeAvailable();
    schema = PostgresSupport.createSchema();
    return RolloutStores.postgres(PostgresSupport.urlFor(schema), PostgresSupport.USER, null);
  }

  @Override
  protected ControllerStore reopenStore() {
    return RolloutStores.postgres(PostgresSupport.urlFor(schema), PostgresSupport.USER, null);
  }

  @AfterEach
  void dropSchema() {
    if (store != null) {
      store.close();
    }
    if (schema != null) {
      PostgresSupport.dropSchema(schema);
    }
  }

  @Test
  void open_twice_migratesOnceAndKeepsTheSchemaVersion() {
    try (ControllerStore second = reopenStore()) {

      int version = ((JdbcStore) second).schemaVersion();

      assertThat(version).isEqualTo(2);
      assertThat(second.releases()).hasSize(2);
    }
  }
}
