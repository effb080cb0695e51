package org.edgeota.rollout;

/** Two engines on one SQLite file, as two processes on one machine would share it. */
class EmbeddedTwoEnginesTest extends AbstractTwoEnginesTest {

  @Override
  protected ControllerStore openShared() {
    return RolloutStores.embedded(tmp.resolve("shared.db"));
  }
}
