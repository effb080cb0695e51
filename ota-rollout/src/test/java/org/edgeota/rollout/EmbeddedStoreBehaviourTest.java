package org.edgeota.rollout;

import java.nio.file.Path;

/** Runs the store behaviour suite on the embedded SQLite store. */
class EmbeddedStoreBehaviourTest extends AbstractStoreBehaviourTest {

  private Path file() {
    return tmp.resolve("controller.db");
  }

  @Override
  protected ControllerStore openStore() {
    return RolloutStores.embedded(file());
  }

  @Override
  protected ControllerStore reopenStore() {
    return RolloutStores.embedded(file());
  }
}
