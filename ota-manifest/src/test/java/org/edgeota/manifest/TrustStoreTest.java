package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.ED_2;
import static org.edgeota.manifest.Fixtures.OUTSIDER;
import static org.edgeota.manifest.Fixtures.P256_1;
import static org.edgeota.manifest.Fixtures.P256_2;
import static org.edgeota.manifest.Fixtures.bytes;
import static org.edgeota.manifest.Fixtures.release;
import static org.edgeota.manifest.Fixtures.signed;
import static org.edgeota.manifest.Fixtures.text;
import static org.edgeota.manifest.Fixtures.trust;
import static org.edgeota.manifest.Fixtures.trustDocument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Threshold signature verification and trust store rotation. */
class TrustStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static void assertRefused(Runnable action, ReasonCode reason) {
    assertThatThrownBy(action::run)
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(reason));
  }

  private static SignedManifest tampered(SignedManifest m, Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(m.toJson());
    change.accept(root);
    return SignedManifest.parse(JSON.writeValueAsBytes(root));
  }

  private static ObjectNode component(ObjectNode root, int i) {
    return (ObjectNode) root.withArray("components").get(i);
  }

  @Test
  void verifyManifest_thresholdOfDistinctTrustedKeys_returnsSigners() {
    TrustStore trust = trust(2, ED_1, P256_1, ED_2);
    SignedManifest m = signed(release(), ED_1, P256_1);

    Set<String> signers = trust.verifyManifest(m, CLOCK);

    assertThat(signers).containsExactlyInAnyOrder(ED_1.keyId(), P256_1.keyId());
  }

  @Test
  void verifyManifest_noSignatures_throwsSignatureMissing() {
    TrustStore trust = trust(1, ED_1);
    SignedManifest m = SignedManifest.unsigned(release());

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_MISSING);
  }

  @Test
  void verifyManifest_signaturesMemberMissing_throwsSignatureMissing() throws Exception {
    TrustStore trust = trust(1, ED_1);
    SignedManifest m = tampered(signed(release(), ED_1), r -> r.remove("signatures"));

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_MISSING);
  }

  @Test
  void verifyManifest_signatureByUnknownKey_throwsKeyUnknown() {
    TrustStore trust = trust(1, ED_1);
    SignedManifest m = signed(release(), OUTSIDER);

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.KEY_UNKNOWN);
  }

  @Test
  void verifyManifest_unknownKeyClaimingTrustedKeyId_throwsSignatureInvalid() {
    TrustStore trust = trust(1, ED_1);
    ManifestSignature forged = signed(release(), OUTSIDER).signatures().get(0);
    SignedManifest m =
        SignedManifest.unsigned(release())
            .withSignature(new ManifestSignature(ED_1.keyId(), forged.algorithm(), forged.value()));

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_INVALID);
  }

  @Test
  void verifyManifest_oneKeySignatureRepeated_countsOnceAndMissesThreshold() throws Exception {
    TrustStore trust = trust(2, ED_1, ED_2);
    SignedManifest once = signed(release(), ED_1);
    SignedManifest repeated =
        tampered(
            once,
            r -> {
              ArrayNode sigs = r.withArray("signatures");
              sigs.add(sigs.get(0).deepCopy());
              sigs.add(sigs.get(0).deepCopy());
            });

    assertThat(repeated.signatures()).hasSize(3);
    assertRefused(
        () -> trust.verifyManifest(repeated, CLOCK), ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  @Test
  void verifyManifest_ecdsaSignatureReencodedByKey_stillCountsOnce() throws Exception {
    TrustStore trust = trust(2, P256_1, P256_2);
    // ECDSA is randomised: two signatures by the same key differ but must count as one key.
    SignedManifest first = signed(release(), P256_1);
    ManifestSignature second = ManifestSigner.sign(first, P256_1).signatures().get(0);
    SignedManifest m =
        tampered(
            first,
            r ->
                r.withArray("signatures")
                    .addObject()
                    .put("keyId", second.keyId())
                    .put("algorithm", second.algorithm().wireName())
                    .put("value", second.value()));

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  @Test
  void verifyManifest_tooFewSignatures_throwsThresholdNotMet() {
    TrustStore trust = trust(2, ED_1, P256_1);
    SignedManifest m = signed(release(), ED_1);

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  /** A signed manifest with one signed member changed no longer verifies. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("signedMemberChanges")
  void verifyManifest_signedMemberChanged_throwsSignatureInvalid(
      Consumer<ObjectNode> change, SigningKey key) throws Exception {
    TrustStore trust = trust(1, key);
    SignedManifest m = tampered(signed(release(), key), change);

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_INVALID);
  }

  static Stream<Arguments> signedMemberChanges() {
    return Stream.of(
        Arguments.of(
            Named.of(
                "verifyManifest_topLevelFieldChanged_throwsSignatureInvalid",
                change(r -> r.put("sequence", 43))),
            ED_1),
        Arguments.of(
            Named.of(
                "verifyManifest_downgradeFlagAdded_throwsSignatureInvalid",
                change(r -> r.put("downgrade", true))),
            ED_1),
        Arguments.of(
            Named.of(
                "verifyManifest_componentDigestChanged_throwsSignatureInvalid",
                change(r -> component(r, 1).put("sha256", "e".repeat(64)))),
            P256_1),
        Arguments.of(
            Named.of(
                "verifyManifest_nestedDeltaFieldChanged_throwsSignatureInvalid",
                change(r -> ((ObjectNode) component(r, 0).get("deltas").get(0)).put("size", 1))),
            ED_1),
        Arguments.of(
            Named.of(
                "verifyManifest_componentsReordered_throwsSignatureInvalid",
                change(
                    r -> {
                      ArrayNode cs = r.withArray("components");
                      cs.insert(0, cs.remove(1));
                    })),
            ED_1));
  }

  private static Consumer<ObjectNode> change(Consumer<ObjectNode> change) {
    return change;
  }

  @Test
  void verifyManifest_whitespaceAndMemberOrderChanged_stillVerifies() throws Exception {
    TrustStore trust = trust(1, ED_1);
    SignedManifest m = signed(release(), ED_1);
    ObjectNode root = (ObjectNode) JSON.readTree(m.toJson());
    ObjectNode reordered = JSON.createObjectNode();
    List<String> names =
        List.of(
            "components",
            "signatures",
            "expires",
            "version",
            "targetDeviceTypes",
            "sequence",
            "releaseDate",
            "minAgentVersion",
            "rollbackVersion",
            "downgrade");
    names.forEach(n -> reordered.set(n, root.get(n)));
    String compact = JSON.writeValueAsString(reordered).replace(",", " ,\n\t ");

    Set<String> signers = trust.verifyManifest(SignedManifest.parse(bytes(compact)), CLOCK);

    assertThat(text(m.toJson())).isNotEqualTo(compact);
    assertThat(signers).containsExactly(ED_1.keyId());
  }

  @Test
  void verifyManifest_algorithmFieldSwapped_throwsSignatureInvalid() throws Exception {
    TrustStore trust = trust(1, ED_1);
    SignedManifest m =
        tampered(
            signed(release(), ED_1),
            r ->
                ((ObjectNode) r.withArray("signatures").get(0))
                    .put("algorithm", "ecdsa-p256-sha256"));

    assertRefused(() -> trust.verifyManifest(m, CLOCK), ReasonCode.SIGNATURE_INVALID);
  }

  @Test
  void verifyManifest_trustStoreExpired_throwsTrustStoreInvalid() {
    TrustStore trust = trust(1, ED_1);
    Clock late = Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), ZoneOffset.UTC);

    assertRefused(
        () -> trust.verifyManifest(signed(release(), ED_1), late), ReasonCode.TRUST_STORE_INVALID);
  }

  @Test
  void parse_trustStoreSignedByTooFewOwnKeys_throwsTrustStoreInvalid() {
    TrustStoreDocument doc =
        TrustStoreDocument.create(
                List.of(ED_1.trustedKey(), ED_2.trustedKey()), 2, 1, Fixtures.TRUST_EXPIRES)
            .sign(ED_1);

    assertRefused(() -> TrustStore.parse(doc.toJson()), ReasonCode.TRUST_STORE_INVALID);
  }

  @Test
  void parse_unsignedTrustStore_throwsTrustStoreInvalid() {
    TrustStoreDocument doc =
        TrustStoreDocument.create(List.of(ED_1.trustedKey()), 1, 1, Fixtures.TRUST_EXPIRES);

    assertRefused(() -> TrustStore.parse(doc.toJson()), ReasonCode.TRUST_STORE_INVALID);
  }

  @Test
  void parse_keyIdNotMatchingKey_throwsKeyInvalid() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(trustDocument(1, 1, ED_1).toJson());
    ((ObjectNode) root.withArray("keys").get(0)).put("keyId", ED_2.keyId());

    assertThatThrownBy(() -> TrustStore.parse(JSON.writeValueAsBytes(root)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining(ED_2.keyId());
  }

  @Test
  void create_thresholdAboveKeyCount_throwsTrustStoreInvalid() {
    assertRefused(
        () -> TrustStoreDocument.create(List.of(ED_1.trustedKey()), 2, 1, Fixtures.TRUST_EXPIRES),
        ReasonCode.TRUST_STORE_INVALID);
  }

  @Test
  void parse_manifestAsTrustStore_throwsMalformed() {
    byte[] manifest = signed(release(), ED_1).toJson();

    assertRefused(() -> TrustStore.parse(manifest), ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void rotate_signedByThresholdOfOldAndNewKeys_acceptsNewKeys() {
    TrustStore current = trust(2, ED_1, ED_2, P256_1);
    byte[] next =
        TrustStoreDocument.create(
                List.of(ED_2.trustedKey(), P256_2.trustedKey()), 1, 2, Fixtures.TRUST_EXPIRES)
            .sign(ED_1)
            .sign(ED_2)
            .toJson();

    TrustStore rotated = current.rotate(next, CLOCK);

    assertThat(rotated.version()).isEqualTo(2);
    assertThat(rotated.verifyManifest(signed(release(), P256_2), CLOCK))
        .containsExactly(P256_2.keyId());
    assertRefused(
        () -> rotated.verifyManifest(signed(release(), ED_1), CLOCK), ReasonCode.KEY_UNKNOWN);
  }

  @Test
  void rotate_signedByTooFewOldKeys_throwsRotationRejected() {
    TrustStore current = trust(2, ED_1, ED_2, P256_1);
    byte[] next =
        TrustStoreDocument.create(List.of(OUTSIDER.trustedKey()), 1, 2, Fixtures.TRUST_EXPIRES)
            .sign(ED_1)
            .sign(OUTSIDER)
            .toJson();

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void rotate_signedOnlyByNewKeys_throwsRotationRejected() {
    TrustStore current = trust(1, ED_1);
    byte[] next = trustDocument(2, 1, OUTSIDER).toJson();

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void rotate_sameVersion_throwsRotationRejected() {
    TrustStore current = trust(1, ED_1);
    byte[] next = trustDocument(1, 1, ED_1).toJson();

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void rotate_newStoreAlreadyExpired_throwsRotationRejected() {
    TrustStore current = trust(1, ED_1);
    byte[] next =
        TrustStoreDocument.create(
                List.of(ED_1.trustedKey()), 1, 2, Instant.parse("2026-01-01T00:00:00Z"))
            .sign(ED_1)
            .toJson();

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void rotate_newKeysNotSigningTheirOwnStore_throwsRotationRejected() {
    TrustStore current = trust(1, ED_1);
    byte[] next =
        TrustStoreDocument.create(List.of(ED_2.trustedKey()), 1, 2, Fixtures.TRUST_EXPIRES)
            .sign(ED_1)
            .toJson();

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  @Test
  void rotate_fromExpiredStore_stillAcceptedWhenProperlySigned() {
    TrustStore current = trust(1, ED_1);
    Clock late = Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), ZoneOffset.UTC);
    byte[] next =
        TrustStoreDocument.create(
                List.of(ED_1.trustedKey()), 1, 2, Instant.parse("2035-01-01T00:00:00Z"))
            .sign(ED_1)
            .toJson();

    TrustStore rotated = current.rotate(next, late);

    assertThat(rotated.version()).isEqualTo(2);
  }

  @Test
  void toJson_returnsDocumentAsParsed() {
    byte[] json = trustDocument(1, 1, ED_1).toJson();

    TrustStore trust = TrustStore.parse(json);

    assertThat(trust.toJson()).isEqualTo(json);
    assertThat(trust.keys()).extracting(TrustedKey::keyId).containsExactly(ED_1.keyId());
  }
}
