package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;

class RebootHandlerTest {

  @Test
  void command_exitZero_returns() {
    RebootHandler handler = RebootHandler.command(List.of("true"), Duration.ofSeconds(10));

    assertThatCode(handler::reboot).doesNotThrowAnyException();
  }

  @Test
  void command_nonZeroExit_throwsRebootFailed() {
    RebootHandler handler = RebootHandler.command(List.of("false"), Duration.ofSeconds(10));

    assertThatThrownBy(handler::reboot)
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("exit status 0")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.REBOOT_FAILED);
  }

  @Test
  void command_empty_isRefusedWhenBuilt() {
    assertThatThrownBy(() -> RebootHandler.command(List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }
}
