package org.edgeota.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import picocli.CommandLine;

/** Turns failures into one line on standard error and a documented exit status. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    cmd.getErr().println("ota: " + ex.getMessage());
    return exitCodeOf(ex);
  }

  static int exitCodeOf(Throwable t) {
    if (t instanceof OtaException e) {
      return exitCodeOf(e.reason());
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      return OtaCli.EXIT_IO;
    }
    return OtaCli.EXIT_INVALID_INPUT;
  }

  static int exitCodeOf(ReasonCode reason) {
    switch (reason) {
      case SIGNATURE_MISSING:
      case SIGNATURE_INVALID:
      case SIGNATURE_THRESHOLD_NOT_MET:
      case KEY_UNKNOWN:
      case TRUST_ROTATION_REJECTED:
      case MANIFEST_EXPIRED:
      case SEQUENCE_NOT_HIGHER:
      case VERSION_DOWNGRADE:
      case DEVICE_TYPE_MISMATCH:
      case AGENT_TOO_OLD:
      case PAYLOAD_MISMATCH:
      case DELTA_BASE_MISMATCH:
      case SLOT_VERIFY_FAILED:
        return OtaCli.EXIT_VERIFICATION_FAILED;
      case IO_ERROR:
      case TRANSPORT_ERROR:
      case HTTP_STATUS:
      case HTTP_PROTOCOL:
      case AUTH_REJECTED:
      case DOWNLOAD_TOO_LARGE:
      case DOWNLOAD_TRUNCATED:
      case DOWNLOAD_TOO_SLOW:
      case DOWNLOAD_DEADLINE:
      case VALIDATOR_CHANGED:
      case RETRIES_EXHAUSTED:
        return OtaCli.EXIT_IO;
      default:
        return OtaCli.EXIT_INVALID_INPUT;
    }
  }
}
