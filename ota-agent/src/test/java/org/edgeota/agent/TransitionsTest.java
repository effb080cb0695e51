package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.junit.jupiter.api.Test;

class TransitionsTest {

  @Test
  void allowed_forwardPath_isLegalStepByStep() {
    UpdateState[] path = {
      UpdateState.IDLE,
      UpdateState.CHECKING,
      UpdateState.DOWNLOADING,
      UpdateState.VERIFYING,
      UpdateState.INSTALLING,
      UpdateState.REBOOTING,
      UpdateState.TRIAL,
      UpdateState.COMMITTED,
      UpdateState.IDLE
    };

    for (int i = 0; i + 1 < path.length; i++) {
      assertThat(Transitions.allowed(path[i], path[i + 1]))
          .as(path[i] + "->" + path[i + 1])
          .isTrue();
    }
  }

  @Test
  void allowed_failedAndRolledBack_reachableFromEveryStep() {
    EnumSet<UpdateState> steps = EnumSet.range(UpdateState.CHECKING, UpdateState.TRIAL);

    for (UpdateState s : steps) {
      assertThat(Transitions.successors(s)).contains(UpdateState.FAILED, UpdateState.ROLLED_BACK);
    }
  }

  @Test
  void check_skippingVerification_throwsNamingBothStates() {
    assertThatThrownBy(() -> Transitions.check(UpdateState.DOWNLOADING, UpdateState.INSTALLING))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("DOWNLOADING")
        .hasMessageContaining("INSTALLING")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ILLEGAL_TRANSITION);
  }

  @Test
  void check_committedBackToTrial_isIllegal() {
    assertThatThrownBy(() -> Transitions.check(UpdateState.COMMITTED, UpdateState.ROLLED_BACK))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("from COMMITTED to ROLLED_BACK");
  }

  @Test
  void allowed_selfTransition_isIllegalForEveryState() {
    for (UpdateState s : UpdateState.values()) {
      assertThat(Transitions.allowed(s, s)).as(s.name()).isFalse();
    }
  }
}
