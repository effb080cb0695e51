package org.edgeota.api;

import java.util.Objects;

/**
 * The one exception type of the SDK: a failure with a machine-readable {@link ReasonCode} and the
 * value that caused it.
 *
 * <p>Messages state what was expected and what was found, for example {@code "manifest field
 * 'components[0].size': expected a non-negative integer, found -5"}. The offending value is kept
 * separately so that callers can report it without parsing the message. Secrets (tokens, private
 * keys) are never placed in either.
 */
public final class OtaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReasonCode reason;
  private final String offendingValue;

  /**
   * Creates an exception.
   *
   * @param reason the machine-readable reason
   * @param offendingValue the value that caused the failure, or {@code null} if there is none
   * @param message what was expected and what was found
   */
  public OtaException(ReasonCode reason, String offendingValue, String message) {
    this(reason, offendingValue, message, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param reason the machine-readable reason
   * @param offendingValue the value that caused the failure, or {@code null} if there is none
   * @param message what was expected and what was found
   * @param cause the underlying failure, or {@code null}
   */
  public OtaException(ReasonCode reason, String offendingValue, String message, Throwable cause) {
    super(reason + ": " + Objects.requireNonNull(message, "message"), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.offendingValue = offendingValue;
  }

  /**
   * Returns the machine-readable reason.
   *
   * @return the reason code, never {@code null}
   */
  public ReasonCode reason() {
    return reason;
  }

  /**
   * Returns the value that caused the failure.
   *
   * @return the offending value, or {@code null} when the failure has none
   */
  public String offendingValue() {
    return offendingValue;
  }
}
