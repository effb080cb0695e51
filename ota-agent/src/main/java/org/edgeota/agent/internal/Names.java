package org.edgeota.agent.internal;

import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Checks of names that become file names on the device. */
public final class Names {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Names() {}

  /**
   * Checks that a component name can be used as a file name.
   *
   * @param field the field being checked, for the message
   * @param name the name
   * @return the name
   * @throws OtaException with {@code INVALID_ARGUMENT} when it is empty, too long, or holds
   *     anything other than letters, digits, dot, underscore and hyphen (first a letter or digit)
   */
  public static String requireSafe(String field, String name) {
    if (name == null || !SAFE.matcher(name).matches()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          name,
          field
              + ": expected 1-128 chars of [A-Za-z0-9._-] starting with a letter or digit, found '"
              + name
              + "'");
    }
    return name;
  }
}
