package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.bytes;
import static org.edgeota.manifest.Fixtures.release;
import static org.edgeota.manifest.Fixtures.signed;
import static org.edgeota.manifest.Fixtures.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict parsing: every malformed document is refused with the field and the value named. */
class SignedManifestParseTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] validJson() {
    return signed(release(), ED_1).toJson();
  }

  private static byte[] mutate(Consumer<ObjectNode> change) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(validJson());
    change.accept(root);
    return JSON.writeValueAsBytes(root);
  }

  private static ObjectNode component(ObjectNode root, int i) {
    return (ObjectNode) root.withArray("components").get(i);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      byte[] json, ReasonCode reason) {
    return assertThatThrownBy(() -> SignedManifest.parse(json))
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(reason));
  }

  @Test
  void parse_validManifest_readsEveryField() {
    byte[] json = validJson();

    SignedManifest m = SignedManifest.parse(json);

    assertThat(m.release()).isEqualTo(release());
    assertThat(m.signatures()).hasSize(1);
    assertThat(m.signatures().get(0).keyId()).isEqualTo(ED_1.keyId());
  }

  @Test
  void parse_documentOverCap_throwsTooLargeBeforeParsing() {
    byte[] json = new byte[2048];

    assertThatThrownBy(() -> SignedManifest.parse(json, 1024))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("2048")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.MANIFEST_TOO_LARGE));
  }

  @Test
  void parse_emptyDocument_throwsMalformed() {
    assertRefused(new byte[0], ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void parse_duplicateKey_throwsMalformedNamingKey() {
    String json = text(validJson()).replaceFirst("\"sequence\"", "\"sequence\" : 43, \"sequence\"");

    assertRefused(bytes(json), ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("sequence");
  }

  @Test
  void parse_duplicateKeyInComponent_throwsMalformed() {
    String json = text(validJson()).replaceFirst("\"size\"", "\"size\" : 1, \"size\"");

    assertRefused(bytes(json), ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("size");
  }

  @Test
  void parse_trailingData_throwsMalformed() {
    byte[] json = bytes(text(validJson()) + "{}");

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void parse_topLevelArray_throwsMalformed() {
    assertRefused(bytes("[]"), ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void parse_negativeSize_throwsFieldInvalidNamingValue() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("size", -5));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[1].size")
        .hasMessageContaining("-5");
  }

  @Test
  void parse_absurdSize_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> component(r, 0).put("size", Long.MAX_VALUE));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining(Long.toString(Long.MAX_VALUE));
  }

  @Test
  void parse_hugeIntegerBeyondLong_throwsFieldInvalid() {
    String json = text(validJson()).replace("\"size\" : 4194304", "\"size\" : 1" + "0".repeat(30));

    assertRefused(bytes(json), ReasonCode.MANIFEST_FIELD_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "xyz",
        "abc",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void parse_badDigest_throwsFieldInvalidNamingValue(String digest) throws Exception {
    byte[] json = mutate(r -> component(r, 0).put("sha256", digest));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[0].sha256")
        .hasMessageContaining(digest.substring(0, 3));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../firmware.bin",
        "a/b.bin",
        "a\\b.bin",
        "..",
        "x..y",
        "C:boot.bin",
        "bad\nname",
        "bad\u0000name",
        "",
        "manifest.json"
      })
  void parse_unsafeFileName_throwsFieldInvalid(String name) throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", name));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[1].file");
  }

  /**
   * Regression: file names with invisible or layout-changing characters were accepted because only
   * C0/C1 controls were refused: a right-to-left override (U+202E) makes {@code ota inspect} show a
   * name that reads differently from the file, a line separator (U+2028) splits a name across log
   * lines, a zero-width space or an unpaired surrogate hides in a name.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "rootfs\u202egmi.bin",
        "a\u2028b.bin",
        "a\u2029b.bin",
        "zero\u200bwidth.bin",
        "bom\ufeff.bin",
        "lone\ud800.bin"
      })
  void parse_fileNameWithFormatOrSeparatorChar_throwsFieldInvalid(String name) throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", name));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[1].file");
  }

  /**
   * Regression: 200 two-byte characters passed the 255-character limit, although file systems allow
   * 255 bytes per name: the device could not create the file it had to download.
   */
  @Test
  void parse_fileNameOver255Utf8Bytes_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", "\u00e9".repeat(200)));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[1].file");
  }

  @Test
  void parse_nonAsciiFileNameWithin255Bytes_accepted() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", "pr\u00fcfung-\u65e5\u672c.bin"));

    SignedManifest m = SignedManifest.parse(json);

    assertThat(m.release().components().get(1).file()).isEqualTo("pr\u00fcfung-\u65e5\u672c.bin");
  }

  @Test
  void parse_sameFileForTwoComponents_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", component(r, 0).get("file").asText()));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "version",
        "sequence",
        "releaseDate",
        "expires",
        "minAgentVersion",
        "targetDeviceTypes",
        "components"
      })
  void parse_missingRequiredField_throwsMalformedNamingField(String field) throws Exception {
    byte[] json = mutate(r -> r.remove(field));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("'" + field + "'");
  }

  @Test
  void parse_emptyTargetDeviceTypes_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.putArray("targetDeviceTypes"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID);
  }

  @Test
  void parse_nullSignatureValue_throwsSignatureMissing() throws Exception {
    byte[] json = mutate(r -> ((ObjectNode) r.withArray("signatures").get(0)).putNull("value"));

    assertRefused(json, ReasonCode.SIGNATURE_MISSING);
  }

  @Test
  void parse_signatureNotBase64_throwsSignatureInvalid() throws Exception {
    byte[] json =
        mutate(r -> ((ObjectNode) r.withArray("signatures").get(0)).put("value", "!!not base64"));

    assertRefused(json, ReasonCode.SIGNATURE_INVALID);
  }

  @Test
  void parse_missingSignaturesMember_readsAsUnsigned() throws Exception {
    byte[] json = mutate(r -> r.remove("signatures"));

    SignedManifest m = SignedManifest.parse(json);

    assertThat(m.signatures()).isEmpty();
  }

  @Test
  void parse_deepNesting_throwsMalformed() {
    String json = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";

    assertRefused(bytes(json), ReasonCode.MANIFEST_MALFORMED);
  }

  /** One field of the valid document changed; the refusal names the field or its value. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("documentsWithOneBadField")
  void parse_documentWithOneBadField_throwsReasonNamingFieldOrValue(
      Consumer<ObjectNode> change, ReasonCode reason, String named) throws Exception {
    byte[] json = mutate(change);

    assertRefused(json, reason).hasMessageContaining(named);
  }

  static Stream<Arguments> documentsWithOneBadField() {
    return Stream.of(
        Arguments.of(
            Named.of(
                "parse_sequenceAsString_throwsMalformedNamingField",
                change(r -> r.put("sequence", "42"))),
            ReasonCode.MANIFEST_MALFORMED,
            "'sequence'"),
        Arguments.of(
            Named.of(
                "parse_sizeAsFloat_throwsMalformed", change(r -> component(r, 0).put("size", 1.5))),
            ReasonCode.MANIFEST_MALFORMED,
            "components[0].size"),
        Arguments.of(
            Named.of(
                "parse_rebootRequiredAsString_throwsMalformed",
                change(r -> component(r, 0).put("rebootRequired", "true"))),
            ReasonCode.MANIFEST_MALFORMED,
            "components[0].rebootRequired"),
        Arguments.of(
            Named.of(
                "parse_negativeSequence_throwsFieldInvalid", change(r -> r.put("sequence", -1))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "'sequence'"),
        Arguments.of(
            Named.of(
                "parse_badDeltaDigest_throwsFieldInvalidNamingNestedField",
                change(
                    r ->
                        ((ObjectNode) component(r, 0).get("deltas").get(0))
                            .put("fromSha256", "00"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "components[0].deltas[0].fromSha256"),
        Arguments.of(
            Named.of(
                "parse_unsafeDeltaFileName_throwsFieldInvalid",
                change(
                    r -> ((ObjectNode) component(r, 0).get("deltas").get(0)).put("file", "../x"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "components[0].deltas[0].file"),
        Arguments.of(
            Named.of(
                "parse_duplicateComponentName_throwsFieldInvalid",
                change(r -> component(r, 1).put("name", "firmware"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "firmware"),
        Arguments.of(
            Named.of(
                "parse_unknownMember_throwsMalformedNamingMember",
                change(r -> r.put("installAnyway", true))),
            ReasonCode.MANIFEST_MALFORMED,
            "installAnyway"),
        Arguments.of(
            Named.of(
                "parse_unknownComponentMember_throwsMalformed",
                change(r -> component(r, 0).put("url", "x"))),
            ReasonCode.MANIFEST_MALFORMED,
            "components[0].url"),
        Arguments.of(
            Named.of("parse_nullVersion_throwsMalformed", change(r -> r.putNull("version"))),
            ReasonCode.MANIFEST_MALFORMED,
            "'version'"),
        Arguments.of(
            Named.of(
                "parse_versionNotSemver_throwsFieldInvalid", change(r -> r.put("version", "2.4"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "2.4"),
        Arguments.of(
            Named.of(
                "parse_instantWithOffset_throwsFieldInvalid",
                change(r -> r.put("expires", "2026-07-30T10:00:00+02:00"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "'expires'"),
        Arguments.of(
            Named.of(
                "parse_expiresBeforeReleaseDate_throwsFieldInvalid",
                change(r -> r.put("expires", "2025-01-01T00:00:00Z"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "2025-01-01"),
        Arguments.of(
            Named.of(
                "parse_emptyComponents_throwsFieldInvalid", change(r -> r.putArray("components"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "components"),
        Arguments.of(
            Named.of(
                "parse_unknownDeltaAlgorithm_throwsFieldInvalid",
                change(
                    r ->
                        ((ObjectNode) component(r, 0).get("deltas").get(0))
                            .put("algorithm", "xdelta"))),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "xdelta"),
        Arguments.of(
            Named.of(
                "parse_nullSignatures_throwsSignatureMissing",
                change(r -> r.putNull("signatures"))),
            ReasonCode.SIGNATURE_MISSING,
            "signatures"),
        Arguments.of(
            Named.of(
                "parse_signaturesEmptyString_throwsSignatureMissing",
                change(r -> r.put("signatures", ""))),
            ReasonCode.SIGNATURE_MISSING,
            "signatures"),
        Arguments.of(
            Named.of(
                "parse_signaturesNotAnArray_throwsMalformed",
                change(r -> r.put("signatures", "MEUCIQ=="))),
            ReasonCode.MANIFEST_MALFORMED,
            "signatures"),
        Arguments.of(
            Named.of(
                "parse_emptyStringSignatureValue_throwsSignatureMissing",
                change(r -> ((ObjectNode) r.withArray("signatures").get(0)).put("value", ""))),
            ReasonCode.SIGNATURE_MISSING,
            "signatures[0].value"),
        Arguments.of(
            Named.of(
                "parse_signatureAlgorithmNotAPlainName_throwsSignatureInvalid",
                change(
                    r ->
                        ((ObjectNode) r.withArray("signatures").get(0))
                            .put("algorithm", "ed25519\u202e"))),
            ReasonCode.SIGNATURE_INVALID,
            "ed25519"));
  }

  private static Consumer<ObjectNode> change(Consumer<ObjectNode> change) {
    return change;
  }

  /**
   * A right-to-left override in a refused algorithm name was echoed raw in the message, so a
   * terminal could show text other than what the document holds.
   */
  @Test
  void parse_algorithmWithFormatCharacter_messageShowsItEscaped() throws Exception {
    byte[] json =
        mutate(
            r -> ((ObjectNode) r.withArray("signatures").get(0)).put("algorithm", "ml\u202edsa"));

    assertRefused(json, ReasonCode.SIGNATURE_INVALID)
        .hasMessageContaining("ml\\u202edsa")
        .hasMessageNotContaining("\u202e");
  }

  @Test
  void canonicalSignedBytes_excludeSignaturesMember() throws Exception {
    SignedManifest m = signed(release(), ED_1);

    JsonNode canonical = JSON.readTree(m.canonicalSignedBytes());

    assertThat(canonical.has("signatures")).isFalse();
    assertThat(canonical.get("sequence").asLong()).isEqualTo(42);
  }

  @Test
  void unsigned_releaseWithUnsafeFileName_throwsFieldInvalid() {
    var r = release();
    var c = r.components().get(1);
    var bad =
        Fixtures.withComponents(
            r,
            java.util.List.of(
                r.components().get(0),
                new org.edgeota.api.Component(
                    c.name(),
                    c.type(),
                    "../../etc/shadow",
                    c.size(),
                    c.sha256(),
                    c.installOrder(),
                    c.rebootRequired(),
                    c.deltas())));

    assertThatThrownBy(() -> SignedManifest.unsigned(bad))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("../../etc/shadow");
  }
}
