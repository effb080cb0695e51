package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization of a parsed JSON tree.
 *
 * <p>Design notes: members are sorted by their names as UTF-16 code-unit sequences, which is what
 * {@link String#compareTo} does; strings keep every character as is except the seven short escapes
 * and the remaining control characters as lower-case {@code \}{@code u00xx}; numbers are IEEE 754
 * doubles printed as ECMAScript's {@code Number.prototype.toString} does. The JDK 17 {@link
 * Double#toString} does not always give the shortest digits, so the digits are found here by a
 * search over precisions with exact decimal arithmetic.
 */
public final class JcsWriter {
  private JcsWriter() {}

  /**
   * Returns the canonical UTF-8 bytes of a tree.
   *
   * @param node the tree
   * @return the canonical form
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} for a number that is not a
   *     finite double or a string with a lone surrogate
   */
  public static byte[] canonicalize(JsonNode node) {
    StringBuilder sb = new StringBuilder(256);
    write(node, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode node, StringBuilder sb) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(node, sb);
      case ARRAY -> {
        sb.append('[');
        boolean first = true;
        for (JsonNode element : node) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          write(element, sb);
        }
        sb.append(']');
      }
      case STRING -> writeString(node.textValue(), sb);
      case NUMBER -> sb.append(serializeNumber(node.doubleValue()));
      case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
      case NULL -> sb.append("null");
      default ->
          throw new OtaException(
              ReasonCode.MANIFEST_MALFORMED,
              node.getNodeType().toString(),
              "canonical JSON: expected a JSON value, found " + node.getNodeType());
    }
  }

  private static void writeObject(JsonNode node, StringBuilder sb) {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
    members.sort(Map.Entry.comparingByKey());
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> member : members) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      writeString(member.getKey(), sb);
      sb.append(':');
      write(member.getValue(), sb);
    }
    sb.append('}');
  }

  private static void writeString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw loneSurrogate(c);
        }
        sb.append(c).append(s.charAt(++i));
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        throw loneSurrogate(c);
      }
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static OtaException loneSurrogate(char c) {
    String hex = String.format("U+%04X", (int) c);
    return new OtaException(
        ReasonCode.MANIFEST_MALFORMED,
        hex,
        "canonical JSON: expected well-formed Unicode, found lone surrogate " + hex);
  }

  /**
   * Formats a double as ECMAScript's {@code Number.prototype.toString} does.
   *
   * @param value the number
   * @return its canonical text, for example {@code "1e+23"} or {@code "0.000001"}
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} for NaN or an infinity
   */
  public static String serializeNumber(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new OtaException(
          ReasonCode.MANIFEST_MALFORMED,
          Double.toString(value),
          "canonical JSON: expected a finite number, found " + value);
    }
    if (value == 0) {
      return "0";
    }
    if (value < 0) {
      return "-" + serializeNumber(-value);
    }
    BigDecimal shortest = shortestDigits(value);
    // value = 0.d1d2...dk * 10^n in the specification's notation
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale();
    return layout(digits, k, n);
  }

  private static String layout(String digits, int k, int n) {
    StringBuilder sb = new StringBuilder(32);
    if (k <= n && n <= 21) {
      sb.append(digits);
      sb.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e >= 0 ? '+' : '-').append(Math.abs(e));
    }
    return sb.toString();
  }

  /**
   * Finds the fewest significant digits that read back as the same double and, among candidates of
   * that length, the one closest to the exact value (ties to even, as the specification asks).
   */
  private static BigDecimal shortestDigits(double value) {
    BigDecimal exact = new BigDecimal(value);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal best = null;
      for (RoundingMode mode :
          new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
        BigDecimal candidate = exact.round(new MathContext(precision, mode));
        if (candidate.doubleValue() == value) {
          if (best == null
              || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
            best = candidate;
          }
        }
      }
      if (best != null) {
        return best.stripTrailingZeros();
      }
    }
    return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
  }
}
