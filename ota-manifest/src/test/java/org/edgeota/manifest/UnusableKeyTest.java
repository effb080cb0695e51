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
import static org.edgeota.manifest.UnusableKeyStores.content;
import static org.edgeota.manifest.UnusableKeyStores.der;
import static org.edgeota.manifest.UnusableKeyStores.signedBy;
import static org.edgeota.manifest.UnusableKeyStores.store;
import static org.edgeota.manifest.UnusableKeyStores.unknownKey;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.TrustStoreCodec;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Trust store keys of algorithms this version does not know: the store still parses and is written
 * back unchanged, but such a key verifies nothing and never counts toward a threshold.
 */
class UnusableKeyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEW_ALGORITHM = "ml-dsa-65";
  private static final byte[] NEW_KEY =
      "a public key of a newer algorithm".getBytes(StandardCharsets.UTF_8);
  private static final ObjectNode NEW_ENTRY = unknownKey(NEW_ALGORITHM, NEW_KEY);
  private static final String NEW_KEY_ID = NEW_ENTRY.get("keyId").textValue();

  private static void assertRefused(Runnable action, ReasonCode reason) {
    assertThatThrownBy(action::run)
        .isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).reason()).isEqualTo(reason));
  }

  private static ReasonCode reasonOf(Runnable action) {
    try {
      action.run();
    } catch (OtaException e) {
      return e.reason();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void parse_unknownAlgorithmKeyBesideKnownKeys_keepsItAsUnusableAndWarns() {
    byte[] json = store(1, 2, List.of(ED_1, P256_1), List.of(NEW_ENTRY));
    Logger logger = (Logger) LoggerFactory.getLogger(TrustStoreCodec.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);

    TrustStore parsed;
    try {
      parsed = TrustStore.parse(json);
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(parsed.keys())
        .extracting(TrustedKey::keyId)
        .containsExactly(ED_1.keyId(), P256_1.keyId());
    assertThat(parsed.unusableKeys())
        .containsExactly(
            new UnusableKey(NEW_KEY_ID, NEW_ALGORITHM, NEW_ENTRY.get("publicKey").textValue()));
    assertThat(parsed.key(NEW_KEY_ID)).isNull();
    assertThat(appender.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage()).contains(NEW_KEY_ID).contains(NEW_ALGORITHM);
            });
  }

  @Test
  void toJson_storeWithUnusableKey_isWrittenBackUnchangedAndParsesAgain() {
    byte[] json = store(1, 1, List.of(ED_1), List.of(NEW_ENTRY));

    byte[] written = TrustStore.parse(json).toJson();
    TrustStore again = TrustStore.parse(written);

    assertThat(written).isEqualTo(json);
    assertThat(again.unusableKeys()).extracting(UnusableKey::keyId).containsExactly(NEW_KEY_ID);
  }

  @Test
  void verifyManifest_storeWithUnusableKey_verifiesByThresholdOfKnownKeys() {
    TrustStore store = TrustStore.parse(store(1, 2, List.of(ED_1, P256_1), List.of(NEW_ENTRY)));
    SignedManifest manifest = signed(release(), ED_1, P256_1);

    var signers = store.verifyManifest(manifest, CLOCK);

    assertThat(signers).containsExactlyInAnyOrder(ED_1.keyId(), P256_1.keyId());
  }

  @Test
  void verifyManifest_storeWithUnusableKeyAndTooFewKnownSigners_throwsThresholdNotMet() {
    TrustStore store = TrustStore.parse(store(1, 2, List.of(ED_1, P256_1), List.of(NEW_ENTRY)));
    SignedManifest manifest = signed(release(), ED_1);

    assertRefused(
        () -> store.verifyManifest(manifest, CLOCK), ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  /**
   * A real Ed25519 key is listed under an unknown algorithm name: its valid Ed25519 signature must
   * not count, since the store does not trust that key for any algorithm this version knows.
   */
  @Test
  void verifyManifest_knownKeyListedUnderUnknownAlgorithm_doesNotCount() {
    ObjectNode relabelled = unknownKey("ed448", der(OUTSIDER));
    TrustStore alone = TrustStore.parse(store(1, 1, List.of(ED_1), List.of(relabelled)));
    TrustStore beside = TrustStore.parse(store(1, 2, List.of(ED_1, P256_1), List.of(relabelled)));

    assertRefused(
        () -> alone.verifyManifest(signed(release(), OUTSIDER), CLOCK), ReasonCode.KEY_UNKNOWN);
    assertRefused(
        () -> beside.verifyManifest(signed(release(), ED_1, OUTSIDER), CLOCK),
        ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  @Test
  void parse_thresholdMetByKnownKeysBesideUnusableKeys_isAccepted() {
    ObjectNode second =
        unknownKey("ecdsa-p384", "another new key".getBytes(StandardCharsets.UTF_8));
    byte[] json = store(1, 2, List.of(ED_1, ED_2), List.of(NEW_ENTRY, second));

    TrustStore store = TrustStore.parse(json);

    assertThat(store.threshold()).isEqualTo(2);
    assertThat(store.unusableKeys()).hasSize(2);
  }

  /**
   * Two known keys and two of an unknown algorithm with a threshold of 3: only the known keys
   * count, so the threshold cannot be met and the store is refused, as any store whose threshold
   * exceeds its keys.
   */
  @Test
  void parse_thresholdReachableOnlyWithUnusableKeys_throwsTrustStoreInvalid() {
    ObjectNode second =
        unknownKey("ecdsa-p384", "another new key".getBytes(StandardCharsets.UTF_8));
    byte[] json = store(1, 3, List.of(ED_1, ED_2), List.of(NEW_ENTRY, second));

    assertThatThrownBy(() -> TrustStore.parse(json))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected 1 to 2 (the number of keys of known algorithms")
        .satisfies(
            e -> {
              assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.TRUST_STORE_INVALID);
              assertThat(((OtaException) e).offendingValue()).isEqualTo("3");
            });
  }

  @Test
  void parse_thresholdAboveKeyCountWithoutUnusableKeys_throwsTrustStoreInvalidAsBefore() {
    byte[] json = store(1, 3, List.of(ED_1, ED_2), List.of());

    assertThatThrownBy(() -> TrustStore.parse(json))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected 1 to 2 (the number of keys), found 3")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.TRUST_STORE_INVALID));
  }

  @Test
  void parse_onlyUnusableKeys_throwsTrustStoreInvalid() {
    ObjectNode root = content(1, 1, List.of(ED_1), List.of());
    root.withArray("keys").removeAll().add(NEW_ENTRY);
    byte[] json = signedBy(root, ED_1);

    assertRefused(() -> TrustStore.parse(json), ReasonCode.TRUST_STORE_INVALID);
  }

  @Test
  void rotate_addingUnknownAlgorithmKeyWithThresholdsMetByKnownKeys_isAccepted() {
    TrustStore current = trust(1, ED_1);
    byte[] next = store(2, 2, List.of(ED_1, ED_2), List.of(NEW_ENTRY));

    TrustStore rotated = current.rotate(next, CLOCK);

    assertThat(rotated.version()).isEqualTo(2);
    assertThat(rotated.keys()).hasSize(2);
    assertThat(rotated.unusableKeys()).extracting(UnusableKey::keyId).containsExactly(NEW_KEY_ID);
    assertThat(rotated.toJson()).isEqualTo(next);
  }

  /** The new store's threshold of 2 could only be met with its new-algorithm key. */
  @Test
  void rotate_newThresholdReachableOnlyWithUnknownAlgorithmKey_throwsTrustStoreInvalid() {
    TrustStore current = trust(1, ED_1);
    byte[] next = store(2, 2, List.of(ED_1), List.of(NEW_ENTRY));

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_STORE_INVALID);
  }

  /**
   * The new store needs 2 of its own keys; one known key signed, and the other "signature" is an
   * unknown-algorithm entry by the new-algorithm key, which cannot count.
   */
  @Test
  void rotate_ownThresholdMissedByKnownKeys_throwsRotationRejected() throws Exception {
    TrustStore current = trust(1, ED_1);
    ObjectNode root =
        (ObjectNode) JSON.readTree(signedBy(content(2, 2, List.of(ED_1, ED_2), List.of()), ED_1));
    root.withArray("keys").add(NEW_ENTRY);
    byte[] next =
        withUnknownSignature(signedBy(withoutSignatures(root), ED_1), NEW_KEY_ID, NEW_ALGORITHM);

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  /** The current store's threshold of 2 is met only if its unusable key could approve. */
  @Test
  void rotate_currentThresholdMissedByKnownKeys_throwsRotationRejected() {
    TrustStore current = TrustStore.parse(store(1, 2, List.of(ED_1, ED_2), List.of(NEW_ENTRY)));
    byte[] next = signedBy(content(2, 1, List.of(P256_1), List.of()), ED_1, P256_1);

    assertRefused(() -> current.rotate(next, CLOCK), ReasonCode.TRUST_ROTATION_REJECTED);
  }

  private static ObjectNode withoutSignatures(ObjectNode root) {
    ObjectNode copy = root.deepCopy();
    copy.remove("signatures");
    return copy;
  }

  private static byte[] withUnknownSignature(byte[] json, String keyId, String algorithm)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(json);
    root.withArray("signatures")
        .addObject()
        .put("keyId", keyId)
        .put("algorithm", algorithm)
        .put("value", "AAAA");
    return JSON.writeValueAsBytes(root);
  }

  /** Changes to key entries that were refused before and still are, with their reason. */
  static Stream<Arguments> malformedKeyEntries() {
    return Stream.of(
        Arguments.of(
            Named.of(
                "known algorithm, publicKey not base64",
                change(1, k -> k.put("publicKey", "not base64!"))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of(
                "known algorithm, key of another algorithm",
                change(0, k -> k.put("algorithm", "ecdsa-p256-sha256"))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of(
                "known algorithm, keyId of another key",
                change(1, k -> k.put("keyId", ED_2.keyId()))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of(
                "algorithm not a plain name", change(1, k -> k.put("algorithm", "ed25519\u202e"))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of("algorithm with a space", change(2, k -> k.put("algorithm", "ml dsa"))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of("algorithm empty", change(2, k -> k.put("algorithm", ""))),
            ReasonCode.MANIFEST_FIELD_INVALID),
        Arguments.of(
            Named.of("algorithm not a string", change(2, k -> k.put("algorithm", 7))),
            ReasonCode.MANIFEST_MALFORMED),
        Arguments.of(
            Named.of(
                "unknown algorithm, publicKey not base64",
                change(2, k -> k.put("publicKey", "not base64!"))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of(
                "unknown algorithm, keyId not the key's digest",
                change(2, k -> k.put("keyId", "e".repeat(64)))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of(
                "unknown algorithm, keyId not hex", change(2, k -> k.put("keyId", "X".repeat(64)))),
            ReasonCode.MANIFEST_FIELD_INVALID),
        Arguments.of(
            Named.of("known algorithm, publicKey missing", change(0, k -> k.remove("publicKey"))),
            ReasonCode.MANIFEST_MALFORMED),
        Arguments.of(
            Named.of("unknown algorithm, publicKey missing", change(2, k -> k.remove("publicKey"))),
            ReasonCode.MANIFEST_MALFORMED),
        Arguments.of(
            Named.of("unknown algorithm, extra member", change(2, k -> k.put("comment", "x"))),
            ReasonCode.MANIFEST_MALFORMED),
        Arguments.of(
            Named.of(
                "unknown algorithm, id of a known key",
                change(2, k -> k.setAll(unknownKey("ed448", der(ED_1))))),
            ReasonCode.TRUST_STORE_INVALID),
        Arguments.of(
            Named.of("unknown algorithm, same key twice", duplicateUnknownEntry()),
            ReasonCode.TRUST_STORE_INVALID));
  }

  /**
   * A store of ED_1, P256_1 and the new-algorithm key, threshold 1, with {@code change} applied to
   * key entry {@code index}, signed by its known keys after the change so only the entry is wrong.
   */
  private static byte[] change(int index, Consumer<ObjectNode> change) {
    ObjectNode root = content(1, 1, List.of(ED_1, P256_1), List.of());
    root.withArray("keys").add(NEW_ENTRY.deepCopy());
    change.accept((ObjectNode) root.withArray("keys").get(index));
    return signedBy(root, ED_1, P256_1);
  }

  private static byte[] duplicateUnknownEntry() {
    ObjectNode root = content(1, 1, List.of(ED_1), List.of());
    root.withArray("keys").add(NEW_ENTRY.deepCopy()).add(NEW_ENTRY.deepCopy());
    return signedBy(root, ED_1);
  }

  @ParameterizedTest
  @MethodSource("malformedKeyEntries")
  void parse_malformedKeyEntry_isRefusedWithItsReason(byte[] json, ReasonCode reason) {
    ReasonCode actual = reasonOf(() -> TrustStore.parse(json));

    assertThat(actual).isEqualTo(reason);
  }

  @Test
  void parse_duplicateMemberInUnknownAlgorithmKey_throwsMalformed() {
    String json =
        new String(store(1, 1, List.of(ED_1), List.of(NEW_ENTRY)), StandardCharsets.UTF_8);
    String duplicated =
        json.replace(
            "\"algorithm\":\"" + NEW_ALGORITHM + "\"",
            "\"algorithm\":\"" + NEW_ALGORITHM + "\",\"algorithm\":\"ed25519\"");

    assertThat(duplicated).isNotEqualTo(json);
    assertRefused(
        () -> TrustStore.parse(duplicated.getBytes(StandardCharsets.UTF_8)),
        ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void constructor_knownAlgorithmName_throwsInvalidArgument() {
    assertRefused(
        () -> new UnusableKey(ED_1.keyId(), "ed25519", "AAAA"), ReasonCode.INVALID_ARGUMENT);
  }
}
