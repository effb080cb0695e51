package org.edgeota.agent;

import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Checks of numeric builder and factory arguments, shared by the agent's public types. */
final class Arguments {
  private Arguments() {}

  /**
   * Returns a value that must be greater than zero.
   *
   * @param field the argument's name, as the message names it
   * @param value the value
   * @param what what the value counts, for example {@code "byte count"}
   * @return the value
   * @throws OtaException with {@code INVALID_ARGUMENT} when the value is zero or negative
   */
  static long positive(String field, long value, String what) {
    if (value <= 0) {
      throw invalid(field, value, "a positive " + what);
    }
    return value;
  }

  /**
   * Returns a value that must be zero or greater.
   *
   * @param field the argument's name, as the message names it
   * @param value the value
   * @param what what the value counts, for example {@code "byte count"}
   * @return the value
   * @throws OtaException with {@code INVALID_ARGUMENT} when the value is negative
   */
  static long nonNegative(String field, long value, String what) {
    if (value < 0) {
      throw invalid(field, value, "a non-negative " + what);
    }
    return value;
  }

  private static OtaException invalid(String field, long value, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        String.valueOf(value),
        field + ": expected " + expected + ", found " + value);
  }
}
