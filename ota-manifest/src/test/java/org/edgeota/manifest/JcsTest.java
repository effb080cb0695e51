package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.bytes;
import static org.edgeota.manifest.Fixtures.text;

import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 canonicalization, checked against the RFC's own examples. */
class JcsTest {

  /** RFC 8785 section 3.2.2: the combined sample with numbers, escapes and literals. */
  @Test
  void canonicalize_rfcSample_matchesRfcOutput() {
    String input =
        "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
            + "              2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n}";

    String canonical = text(Jcs.canonicalize(bytes(input)));

    assertThat(canonical)
        .isEqualTo(
            "{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  /** RFC 8785 section 3.2.3: members sorted by UTF-16 code units, surrogate pairs included. */
  @Test
  void canonicalize_rfcSortingSample_sortsByUtf16CodeUnits() {
    String input =
        "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\","
            + " \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\","
            + " \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
            + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";

    String canonical = text(Jcs.canonicalize(bytes(input)));

    assertThat(canonical)
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  /** RFC 8785 appendix B: IEEE 754 bit patterns and their ECMAScript text. */
  @ParameterizedTest(name = "0x{0} -> {1}")
  @CsvSource({
    "0000000000000000, 0",
    "8000000000000000, 0",
    "0000000000000001, 5e-324",
    "8000000000000001, -5e-324",
    "7fefffffffffffff, 1.7976931348623157e+308",
    "ffefffffffffffff, -1.7976931348623157e+308",
    "4340000000000000, 9007199254740992",
    "c340000000000000, -9007199254740992",
    "4430000000000000, 295147905179352830000",
    "44b52d02c7e14af5, 9.999999999999997e+22",
    "44b52d02c7e14af6, 1e+23",
    "44b52d02c7e14af7, 1.0000000000000001e+23",
    "444b1ae4d6e2ef4e, 999999999999999700000",
    "444b1ae4d6e2ef4f, 999999999999999900000",
    "444b1ae4d6e2ef50, 1e+21",
    "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d, 0.000001",
    "41b3de4355555553, 333333333.3333332",
    "41b3de4355555554, 333333333.33333325",
    "41b3de4355555555, 333333333.3333333",
    "41b3de4355555556, 333333333.3333334",
    "41b3de4355555557, 333333333.33333343",
    "becbf647612f3696, -0.0000033333333333333333",
    "43143ff3c1cb0959, 1424953923781206.2"
  })
  void serializeNumber_rfcAppendixB_matchesEcmaScript(String bits, String expected) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));

    String text = Jcs.serializeNumber(value);

    assertThat(text).isEqualTo(expected);
  }

  /** RFC 8785 appendix B: NaN and Infinity have no JSON form and must be refused. */
  @ParameterizedTest
  @CsvSource({"7fffffffffffffff", "7ff0000000000000", "fff0000000000000"})
  void serializeNumber_nanOrInfinity_throws(String bits) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));

    assertThatThrownBy(() -> Jcs.serializeNumber(value))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void canonicalize_nestedObjectsAndWhitespace_sortedAtEveryLevelWithoutWhitespace() {
    String input =
        "{ \"b\" : [ { \"z\":1, \"a\" : { \"y\": \"\\t\", \"x\": -0 } } ], \"a\": 1.50 }";

    String canonical = text(Jcs.canonicalize(bytes(input)));

    assertThat(canonical).isEqualTo("{\"a\":1.5,\"b\":[{\"a\":{\"x\":0,\"y\":\"\\t\"},\"z\":1}]}");
  }

  @Test
  void canonicalize_duplicateMemberName_throwsMalformed() {
    byte[] input = bytes("{\"a\":1,\"a\":2}");

    assertThatThrownBy(() -> Jcs.canonicalize(input))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("a")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void canonicalize_loneSurrogate_throwsMalformed() {
    byte[] input = bytes("{\"a\":\"\\udead\"}");

    assertThatThrownBy(() -> Jcs.canonicalize(input))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("U+DEAD");
  }

  @Test
  void canonicalize_controlCharacters_useLowerCaseUnicodeEscapes() {
    byte[] input = bytes("{\"s\":\"\\u0001\\u001F\\b\\f\\r\"}");

    String canonical = text(Jcs.canonicalize(input));

    assertThat(canonical).isEqualTo("{\"s\":\"\\u0001\\u001f\\b\\f\\r\"}");
  }
}
