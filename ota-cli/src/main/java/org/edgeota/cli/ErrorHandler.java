package org.edgeota.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import picocli.CommandLine;

/** Turns failures into one line on standard error and a documented exit status. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    cmd.getErr().println("ota: " + describe(ex));
    return exitCodeOf(ex);
  }

  /**
   * Returns the one-line message for a failure. An {@link OtaException} already names its reason
   * and value; a bare JDK exception (for example {@link NoSuchFileException}, whose message is only
   * the file name) is described by what went wrong and the file it concerns.
   */
  static String describe(Throwable t) {
    if (t instanceof OtaException) {
      return t.getMessage();
    }
    if (t instanceof UncheckedIOException u && u.getCause() != null) {
      return describe(u.getCause());
    }
    if (t instanceof FileSystemException f) {
      return ReasonCode.IO_ERROR + ": '" + f.getFile() + "': " + fileProblem(f);
    }
    String kind = t instanceof IOException ? ReasonCode.IO_ERROR + ": " : "";
    String detail = t.getMessage() == null ? "" : ": " + t.getMessage();
    return kind + t.getClass().getSimpleName() + detail;
  }

  private static String fileProblem(FileSystemException f) {
    String problem;
    if (f instanceof NoSuchFileException) {
      problem = "no such file or directory";
    } else if (f instanceof AccessDeniedException) {
      problem = "permission denied";
    } else if (f instanceof FileAlreadyExistsException) {
      problem = "file already exists";
    } else if (f instanceof NotDirectoryException) {
      problem = "not a directory";
    } else if (f instanceof DirectoryNotEmptyException) {
      problem = "directory not empty";
    } else {
      problem = f.getReason() == null ? f.getClass().getSimpleName() : f.getReason();
    }
    return f.getOtherFile() == null
        ? problem
        : problem + " (other file '" + f.getOtherFile() + "')";
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
      case DOWNLOAD_TOO_LARGE: // more bytes than the expected size: the bytes do not match
      case DELTA_BASE_MISMATCH:
      case SLOT_VERIFY_FAILED:
        return OtaCli.EXIT_VERIFICATION_FAILED;
      case IO_ERROR:
      case BOOT_ENV_WRITE_FAILED:
      case TRANSPORT_ERROR:
      case HTTP_STATUS:
      case HTTP_PROTOCOL:
      case AUTH_REJECTED:
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
