package org.edgeota.rollout;

/** Runs the store behaviour suite on the in-memory store. */
class InMemoryStoreBehaviourTest extends AbstractStoreBehaviourTest {
  private ControllerStore current;

  @Override
  protected ControllerStore openStore() {
    current = RolloutStores.inMemory();
    return current;
  }

  @Override
  protected ControllerStore reopenStore() {
    return current;
  }
}
