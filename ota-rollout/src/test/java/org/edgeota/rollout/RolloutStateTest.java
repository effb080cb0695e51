package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgeota.api.OtaException;
import org.junit.jupiter.api.Test;

class RolloutStateTest {

  @Test
  void table_terminalStates_allowOnlyRollback() {
    for (RolloutState to : RolloutState.values()) {
      assertThat(RolloutState.COMPLETED.canMoveTo(to)).isEqualTo(to == RolloutState.ROLLED_BACK);
      assertThat(RolloutState.ABORTED.canMoveTo(to)).isEqualTo(to == RolloutState.ROLLED_BACK);
      assertThat(RolloutState.ROLLED_BACK.canMoveTo(to)).isFalse();
    }
  }

  @Test
  void table_createdCannotPauseOrComplete() {
    assertThat(RolloutState.CREATED.canMoveTo(RolloutState.PAUSED)).isFalse();
    assertThat(RolloutState.CREATED.canMoveTo(RolloutState.COMPLETED)).isFalse();
    assertThat(RolloutState.CREATED.canMoveTo(RolloutState.RUNNING)).isTrue();
  }

  @Test
  void checkMoveTo_illegal_namesBothStates() {
    assertThatThrownBy(() -> RolloutState.COMPLETED.checkMoveTo("r9", RolloutState.RUNNING))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("COMPLETED")
        .hasMessageContaining("RUNNING")
        .hasMessageContaining("r9");
  }
}
