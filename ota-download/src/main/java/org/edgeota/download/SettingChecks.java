package org.edgeota.download;

import java.time.Duration;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Checks of builder settings shared by the downloader, the retry policy and the transport. */
final class SettingChecks {
  private SettingChecks() {}

  /**
   * Returns the error for a bad setting.
   *
   * @param owner what the setting belongs to, for example {@code "downloader"}
   * @param field the setting's name
   * @param value the value found, as text
   * @param expected what was expected, for example {@code "a positive duration"}
   * @return an {@code INVALID_ARGUMENT} exception naming the owner, the setting and the value
   */
  static OtaException invalid(String owner, String field, String value, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        value,
        owner + " '" + field + "': expected " + expected + ", found " + value);
  }

  /**
   * Checks that a duration setting is present and longer than zero.
   *
   * @param owner what the setting belongs to
   * @param field the setting's name
   * @param d the value
   * @throws OtaException with {@code INVALID_ARGUMENT} when it is null, zero or negative
   */
  static void requirePositive(String owner, String field, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw invalid(owner, field, String.valueOf(d), "a positive duration");
    }
  }
}
