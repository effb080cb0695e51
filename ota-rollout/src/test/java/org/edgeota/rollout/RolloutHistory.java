package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Checks that a rollout's history is one chain of legal transitions. */
final class RolloutHistory {
  private RolloutHistory() {}

  static void assertLegalChain(List<RolloutEvent> history) {
    assertThat(history).isNotEmpty();
    assertThat(history.get(0).state()).isEqualTo(RolloutState.CREATED);
    for (int i = 1; i < history.size(); i++) {
      RolloutEvent from = history.get(i - 1);
      RolloutEvent to = history.get(i);
      assertThat(to.revision()).as("revision after %s", from).isEqualTo(from.revision() + 1);
      assertThat(from.state().canMoveTo(to.state())).as("%s -> %s", from, to).isTrue();
      assertThat(to.stageIndex() - from.stageIndex()).as("%s -> %s", from, to).isBetween(0, 1);
    }
  }
}
