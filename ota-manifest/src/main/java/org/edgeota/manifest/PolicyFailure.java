package org.edgeota.manifest;

import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Messages;

/**
 * One failed check of a manifest evaluation.
 *
 * @param reason the machine-readable reason
 * @param value the offending value (for example the manifest's sequence), or {@code null}
 * @param message what was expected and what was found
 */
public record PolicyFailure(ReasonCode reason, String value, String message) {

  /** Checks that the reason and message are present. */
  public PolicyFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Creates a failure from an exception.
   *
   * @param e the exception
   * @return the failure with the exception's reason, value and message (without the reason prefix)
   */
  public static PolicyFailure of(OtaException e) {
    return new PolicyFailure(e.reason(), e.offendingValue(), Messages.detail(e));
  }
}
