package org.edgeota.manifest;

import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.JcsWriter;
import org.edgeota.manifest.internal.StrictJson;

/**
 * The JSON Canonicalization Scheme of RFC 8785: members sorted by UTF-16 code units, no whitespace,
 * strings minimally escaped, numbers as ECMAScript prints IEEE 754 doubles.
 */
public final class Jcs {
  private Jcs() {}

  /**
   * Returns the canonical form of a JSON document.
   *
   * @param json a UTF-8 JSON document of at most 1 MiB whose top level is an object
   * @return the canonical UTF-8 bytes
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} for invalid or non-strict JSON
   *     (duplicate names, trailing data), a lone surrogate or a number outside the double range, or
   *     {@link ReasonCode#MANIFEST_TOO_LARGE}
   */
  public static byte[] canonicalize(byte[] json) {
    return JcsWriter.canonicalize(StrictJson.parse(json, StrictJson.DEFAULT_MAX_BYTES, "JSON"));
  }

  /**
   * Formats a number as ECMAScript's {@code Number.prototype.toString} does (RFC 8785 section
   * 3.2.2.3).
   *
   * @param value a finite double
   * @return for example {@code "1e+21"}, {@code "0.000001"} or {@code "333333333.3333333"}
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} for NaN or an infinity
   */
  public static String serializeNumber(double value) {
    return JcsWriter.serializeNumber(value);
  }
}
