package org.edgeota.rollout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Two engines on one PostgreSQL schema. */
class PostgresTwoEnginesTest extends AbstractTwoEnginesTest {
  private String schema;

  @BeforeEach
  void createSchema() {
    PostgresSupport.assumeAvailable();
    schema = PostgresSupport.createSchema();
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      PostgresSupport.dropSchema(schema);
    }
  }

  @Override
  protected ControllerStore openShared() {
    return RolloutStores.postgres(PostgresSupport.urlFor(schema), PostgresSupport.USER, null);
  }
}
