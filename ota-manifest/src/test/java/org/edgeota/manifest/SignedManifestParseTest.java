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
import org.assertj.core.api.AbstractThrowableAssert;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
  void parse_sequenceAsString_throwsMalformedNamingField() throws Exception {
    byte[] json = mutate(r -> r.put("sequence", "42"));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("'sequence'");
  }

  @Test
  void parse_sizeAsFloat_throwsMalformed() throws Exception {
    byte[] json = mutate(r -> component(r, 0).put("size", 1.5));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("components[0].size");
  }

  @Test
  void parse_rebootRequiredAsString_throwsMalformed() throws Exception {
    byte[] json = mutate(r -> component(r, 0).put("rebootRequired", "true"));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED)
        .hasMessageContaining("components[0].rebootRequired");
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

  @Test
  void parse_negativeSequence_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.put("sequence", -1));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("'sequence'");
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

  @Test
  void parse_badDeltaDigest_throwsFieldInvalidNamingNestedField() throws Exception {
    byte[] json =
        mutate(r -> ((ObjectNode) component(r, 0).get("deltas").get(0)).put("fromSha256", "00"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[0].deltas[0].fromSha256");
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
  void parse_unsafeDeltaFileName_throwsFieldInvalid() throws Exception {
    byte[] json =
        mutate(r -> ((ObjectNode) component(r, 0).get("deltas").get(0)).put("file", "../x"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID)
        .hasMessageContaining("components[0].deltas[0].file");
  }

  @Test
  void parse_sameFileForTwoComponents_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("file", component(r, 0).get("file").asText()));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID);
  }

  @Test
  void parse_duplicateComponentName_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> component(r, 1).put("name", "firmware"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("firmware");
  }

  @Test
  void parse_unknownMember_throwsMalformedNamingMember() throws Exception {
    byte[] json = mutate(r -> r.put("installAnyway", true));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("installAnyway");
  }

  @Test
  void parse_unknownComponentMember_throwsMalformed() throws Exception {
    byte[] json = mutate(r -> component(r, 0).put("url", "x"));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("components[0].url");
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
  void parse_nullVersion_throwsMalformed() throws Exception {
    byte[] json = mutate(r -> r.putNull("version"));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("'version'");
  }

  @Test
  void parse_versionNotSemver_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.put("version", "2.4"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("2.4");
  }

  @Test
  void parse_instantWithOffset_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.put("expires", "2026-07-30T10:00:00+02:00"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("'expires'");
  }

  @Test
  void parse_expiresBeforeReleaseDate_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.put("expires", "2025-01-01T00:00:00Z"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("2025-01-01");
  }

  @Test
  void parse_emptyComponents_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.putArray("components"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("components");
  }

  @Test
  void parse_emptyTargetDeviceTypes_throwsFieldInvalid() throws Exception {
    byte[] json = mutate(r -> r.putArray("targetDeviceTypes"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID);
  }

  @Test
  void parse_unknownDeltaAlgorithm_throwsFieldInvalid() throws Exception {
    byte[] json =
        mutate(r -> ((ObjectNode) component(r, 0).get("deltas").get(0)).put("algorithm", "xdelta"));

    assertRefused(json, ReasonCode.MANIFEST_FIELD_INVALID).hasMessageContaining("xdelta");
  }

  @Test
  void parse_nullSignatures_throwsSignatureMissing() throws Exception {
    byte[] json = mutate(r -> r.putNull("signatures"));

    assertRefused(json, ReasonCode.SIGNATURE_MISSING).hasMessageContaining("signatures");
  }

  @Test
  void parse_signaturesEmptyString_throwsSignatureMissing() throws Exception {
    byte[] json = mutate(r -> r.put("signatures", ""));

    assertRefused(json, ReasonCode.SIGNATURE_MISSING).hasMessageContaining("signatures");
  }

  @Test
  void parse_signaturesNotAnArray_throwsMalformed() throws Exception {
    byte[] json = mutate(r -> r.put("signatures", "MEUCIQ=="));

    assertRefused(json, ReasonCode.MANIFEST_MALFORMED).hasMessageContaining("signatures");
  }

  @Test
  void parse_emptyStringSignatureValue_throwsSignatureMissing() throws Exception {
    byte[] json = mutate(r -> ((ObjectNode) r.withArray("signatures").get(0)).put("value", ""));

    assertRefused(json, ReasonCode.SIGNATURE_MISSING).hasMessageContaining("signatures[0].value");
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
  void parse_unknownSignatureAlgorithm_throwsSignatureInvalid() throws Exception {
    byte[] json =
        mutate(r -> ((ObjectNode) r.withArray("signatures").get(0)).put("algorithm", "none"));

    assertRefused(json, ReasonCode.SIGNATURE_INVALID).hasMessageContaining("none");
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
        new org.edgeota.api.Release(
            r.version(),
            r.sequence(),
            r.downgrade(),
            r.releaseDate(),
            r.expires(),
            r.minAgentVersion(),
            r.targetDeviceTypes(),
            r.rollbackVersion(),
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
