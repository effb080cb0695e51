package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.ED_2;
import static org.edgeota.manifest.Fixtures.OUTSIDER;
import static org.edgeota.manifest.Fixtures.P256_1;
import static org.edgeota.manifest.Fixtures.release;
import static org.edgeota.manifest.Fixtures.signed;
import static org.edgeota.manifest.Fixtures.trust;
import static org.edgeota.manifest.Fixtures.trustDocument;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Signatures;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Signatures of algorithms this version does not know: the document still parses, the entry is kept
 * but never counts, and a document signed only that way fails like an under-signed one.
 */
class UnverifiableSignatureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEW_ALGORITHM = "ml-dsa-65";

  /**
   * Returns {@code document} with one more signature entry appended.
   *
   * @param document a manifest or trust store document
   * @param keyId the entry's key id
   * @param algorithm the entry's algorithm name
   * @param value the entry's value
   */
  private static byte[] withEntry(byte[] document, String keyId, String algorithm, String value)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(document);
    root.withArray("signatures")
        .addObject()
        .put("keyId", keyId)
        .put("algorithm", algorithm)
        .put("value", value);
    return JSON.writeValueAsBytes(root);
  }

  /** A valid signature value by {@code key} over the content of {@code manifest}. */
  private static String relabelledValue(SignedManifest manifest, SigningKey key) {
    return ManifestSigner.sign(manifest.withoutSignatures(), key).signatures().get(0).value();
  }

  private static void assertRefused(Runnable action, ReasonCode reason) {
    assertThatThrownBy(action::run)
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(reason));
  }

  @Test
  void parse_unknownAlgorithmBesideValidSignature_keepsItAsUnverifiableAndWarns() throws Exception {
    byte[] json = withEntry(signed(release(), ED_1).toJson(), ED_2.keyId(), NEW_ALGORITHM, "AAAA");
    Logger logger = (Logger) LoggerFactory.getLogger(Signatures.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);

    SignedManifest m;
    try {
      m = SignedManifest.parse(json);
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(m.signatures()).extracting(ManifestSignature::keyId).containsExactly(ED_1.keyId());
    assertThat(m.unverifiableSignatures())
        .containsExactly(new UnverifiableSignature(ED_2.keyId(), NEW_ALGORITHM, "AAAA"));
    assertThat(appender.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage()).contains(ED_2.keyId()).contains(NEW_ALGORITHM);
            });
  }

  @Test
  void toJson_unverifiableSignature_isWrittenBackAndSurvivesSigning() throws Exception {
    byte[] json = withEntry(signed(release(), ED_1).toJson(), ED_2.keyId(), NEW_ALGORITHM, "AAAA");
    SignedManifest parsed = SignedManifest.parse(json);

    SignedManifest resigned = SignedManifest.parse(ManifestSigner.sign(parsed, P256_1).toJson());

    assertThat(resigned.unverifiableSignatures()).isEqualTo(parsed.unverifiableSignatures());
    assertThat(resigned.signatures()).hasSize(2);
    assertThat(resigned.withoutSignatures().unverifiableSignatures()).isEmpty();
  }

  @Test
  void verifyManifest_unknownAlgorithmBesideEnoughValidSignatures_verifies() throws Exception {
    TrustStore trust = trust(2, ED_1, ED_2, P256_1);
    SignedManifest valid = signed(release(), ED_1, P256_1);
    byte[] json =
        withEntry(valid.toJson(), ED_2.keyId(), NEW_ALGORITHM, relabelledValue(valid, ED_2));

    SignedManifest m = SignedManifest.parse(json);

    assertThat(trust.verifyManifest(m, CLOCK))
        .containsExactlyInAnyOrder(ED_1.keyId(), P256_1.keyId());
  }

  /**
   * The second signature is a valid Ed25519 signature by a trusted key, only labelled with an
   * unknown algorithm: it must not count, or a relabelling would be a way around the threshold.
   */
  @Test
  void verifyManifest_unknownAlgorithmBesideTooFewValidSignatures_throwsThresholdNotMet()
      throws Exception {
    TrustStore trust = trust(2, ED_1, ED_2);
    SignedManifest valid = signed(release(), ED_1);
    byte[] json =
        withEntry(valid.toJson(), ED_2.keyId(), NEW_ALGORITHM, relabelledValue(valid, ED_2));

    SignedManifest m = SignedManifest.parse(json);

    assertThatThrownBy(() -> trust.verifyManifest(m, CLOCK))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining(ED_2.keyId())
        .hasMessageContaining(NEW_ALGORITHM)
        .satisfies(
            e ->
                assertThat(((OtaException) e).reason())
                    .isEqualTo(ReasonCode.SIGNATURE_THRESHOLD_NOT_MET));
  }

  @Test
  void verifyManifest_onlyUnknownAlgorithmSignatures_throwsThresholdNotMetNamingThem()
      throws Exception {
    TrustStore trust = trust(1, ED_1);
    SignedManifest unsigned = SignedManifest.unsigned(release());
    byte[] json =
        withEntry(
            withEntry(unsigned.toJson(), ED_1.keyId(), "ED25519", relabelledValue(unsigned, ED_1)),
            OUTSIDER.keyId(),
            NEW_ALGORITHM,
            "AAAA");

    SignedManifest m = SignedManifest.parse(json);

    assertThat(m.signatures()).isEmpty();
    assertThatThrownBy(() -> trust.verifyManifest(m, CLOCK))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining(ED_1.keyId() + " (ED25519)")
        .hasMessageContaining(OUTSIDER.keyId() + " (" + NEW_ALGORITHM + ")")
        .satisfies(
            e -> {
              OtaException ota = (OtaException) e;
              assertThat(ota.reason()).isEqualTo(ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
              assertThat(ota.offendingValue()).contains(ED_1.keyId());
            });
  }

  @Test
  void evaluate_onlyUnknownAlgorithmSignatures_refusedWithThresholdNotMet() throws Exception {
    TrustStore trust = trust(1, ED_1);
    byte[] json =
        withEntry(SignedManifest.unsigned(release()).toJson(), ED_1.keyId(), "none", "AAAA");
    DeviceState device = new DeviceState(null, 0, "gateway-v2", release().minAgentVersion());

    PolicyResult result = ManifestPolicy.evaluate(json, trust, device, CLOCK);

    assertThat(result.release()).isEmpty();
    assertThat(result.failures())
        .extracting(PolicyFailure::reason)
        .containsExactly(ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  /** Entries with an unknown algorithm are checked as strictly as any other entry. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEntries")
  void parse_malformedEntryBesideOrWithUnknownAlgorithm_isRefusedAsBefore(
      Consumer<ArrayNode> change, ReasonCode reason, String named) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(signed(release(), ED_1).toJson());
    change.accept(root.withArray("signatures"));
    byte[] json = JSON.writeValueAsBytes(root);

    assertThatThrownBy(() -> SignedManifest.parse(json))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining(named)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(reason));
  }

  static Stream<Arguments> malformedEntries() {
    return Stream.of(
        entry(
            "unknownAlgorithmWithBadKeyId_throwsFieldInvalid",
            a -> a.addObject().put("keyId", "ABC").put("algorithm", "x").put("value", "AAAA"),
            ReasonCode.MANIFEST_FIELD_INVALID,
            "signatures[1].keyId"),
        entry(
            "unknownAlgorithmWithNonBase64Value_throwsSignatureInvalid",
            a -> unknownEntry(a).put("value", "not base64!"),
            ReasonCode.SIGNATURE_INVALID,
            "not base64!"),
        entry(
            "unknownAlgorithmWithEmptyValue_throwsSignatureMissing",
            a -> unknownEntry(a).put("value", ""),
            ReasonCode.SIGNATURE_MISSING,
            "signatures[1].value"),
        entry(
            "unknownAlgorithmWithExtraMember_throwsMalformed",
            a -> unknownEntry(a).put("note", "x"),
            ReasonCode.MANIFEST_MALFORMED,
            "note"),
        entry(
            "unknownAlgorithmAsNumber_throwsMalformed",
            a -> unknownEntry(a).put("algorithm", 7),
            ReasonCode.MANIFEST_MALFORMED,
            "signatures[1].algorithm"),
        entry(
            "algorithmNotAPlainName_throwsSignatureInvalid",
            a -> unknownEntry(a).put("algorithm", "ed 25519"),
            ReasonCode.SIGNATURE_INVALID,
            "ed 25519"),
        entry(
            "knownAlgorithmWithNonBase64ValueBesideUnknown_throwsSignatureInvalid",
            a -> {
              unknownEntry(a);
              ((ObjectNode) a.get(0)).put("value", "%%%%");
            },
            ReasonCode.SIGNATURE_INVALID,
            "%%%%"));
  }

  private static ObjectNode unknownEntry(ArrayNode signatures) {
    return signatures
        .addObject()
        .put("keyId", ED_2.keyId())
        .put("algorithm", NEW_ALGORITHM)
        .put("value", "AAAA");
  }

  private static Arguments entry(
      String name, Consumer<ArrayNode> change, ReasonCode reason, String named) {
    return Arguments.of(Named.of("parse_" + name, change), reason, named);
  }

  @Test
  void parse_duplicateMemberInUnknownAlgorithmEntry_throwsMalformed() throws Exception {
    String json =
        new String(signed(release(), ED_1).toJson(), java.nio.charset.StandardCharsets.UTF_8);
    String duplicated =
        json.replaceFirst(
            "\"signatures\" : \\[ \\{",
            "\"signatures\" : [ {\"keyId\":\""
                + ED_2.keyId()
                + "\",\"algorithm\":\"x\",\"algorithm\":\"y\",\"value\":\"AAAA\"}, {");

    assertRefused(
        () -> SignedManifest.parse(Fixtures.bytes(duplicated)), ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void trustStoreParse_unknownAlgorithmBesideOwnSignatures_isAccepted() throws Exception {
    byte[] json = withEntry(trustDocument(1, 2, ED_1, ED_2).toJson(), P256_1.keyId(), "x", "AAAA");

    TrustStore store = TrustStore.parse(json);

    assertThat(store.threshold()).isEqualTo(2);
    assertThat(store.toJson()).isEqualTo(json);
  }

  @Test
  void trustStoreParse_onlyUnknownAlgorithmSignatures_throwsTrustStoreInvalid() throws Exception {
    TrustStoreDocument unsigned =
        TrustStoreDocument.create(List.of(ED_1.trustedKey()), 1, 1, Fixtures.TRUST_EXPIRES);
    String value = unsigned.sign(ED_1).signatures().get(0).value();
    byte[] json = withEntry(unsigned.toJson(), ED_1.keyId(), NEW_ALGORITHM, value);

    assertThatThrownBy(() -> TrustStore.parse(json))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining(NEW_ALGORITHM)
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.TRUST_STORE_INVALID));
  }

  @Test
  void rotate_unknownAlgorithmBesideThresholdOfCurrentKeys_isAccepted() throws Exception {
    TrustStore current = trust(1, ED_1);
    byte[] next =
        withEntry(
            TrustStoreDocument.create(List.of(ED_2.trustedKey()), 1, 2, Fixtures.TRUST_EXPIRES)
                .sign(ED_1)
                .sign(ED_2)
                .toJson(),
            ED_1.keyId(),
            NEW_ALGORITHM,
            "AAAA");

    TrustStore rotated = current.rotate(next, CLOCK);

    assertThat(rotated.version()).isEqualTo(2);
  }

  /**
   * The current key's valid signature is relabelled with an unknown algorithm: the rotation must
   * not count it as the current keys' approval.
   */
  @Test
  void rotate_currentKeySignedOnlyWithUnknownAlgorithm_throwsRotationRejected() throws Exception {
    TrustStore current = trust(1, ED_1);
    TrustStoreDocument doc =
        TrustStoreDocument.create(List.of(ED_2.trustedKey()), 1, 2, Fixtures.TRUST_EXPIRES);
    String relabelled = doc.sign(ED_1).signatures().get(0).value();
    byte[] next = withEntry(doc.sign(ED_2).toJson(), ED_1.keyId(), NEW_ALGORITHM, relabelled);

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void verifies_signatureByThisKeyOverTheBytes_isTrueAndFalseOtherwise() {
    SignedManifest m = signed(release(), ED_1);
    ManifestSignature s = m.signatures().get(0);
    byte[] content = m.canonicalSignedBytes();
    byte[] other = signed(release("2.4.2", 43)).canonicalSignedBytes();

    boolean sameKeySameBytes = ED_1.trustedKey().verifies(s, content);
    boolean sameKeyOtherBytes = ED_1.trustedKey().verifies(s, other);
    boolean otherKey = ED_2.trustedKey().verifies(s, content);

    assertThat(sameKeySameBytes).isTrue();
    assertThat(sameKeyOtherBytes).isFalse();
    assertThat(otherKey).isFalse();
  }
}
