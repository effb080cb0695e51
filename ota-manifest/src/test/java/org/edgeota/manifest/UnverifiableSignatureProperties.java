package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.ED_2;
import static org.edgeota.manifest.Fixtures.OUTSIDER;
import static org.edgeota.manifest.Fixtures.P256_1;
import static org.edgeota.manifest.Fixtures.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Signatures of unknown algorithms never change whether, or why, a manifest verifies. */
class UnverifiableSignatureProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SigningKey> KEYS = List.of(ED_1, ED_2, P256_1, OUTSIDER);
  private static final Map<Integer, TrustStore> TRUST =
      Map.of(
          1, Fixtures.trust(1, ED_1, ED_2, P256_1),
          2, Fixtures.trust(2, ED_1, ED_2, P256_1),
          3, Fixtures.trust(3, ED_1, ED_2, P256_1));

  /** The unsigned manifest every generated one is signed from. */
  private static final SignedManifest UNSIGNED = SignedManifest.unsigned(release());

  /** A valid signature value of each key over {@link #UNSIGNED}, to relabel. */
  private static final Map<String, String> VALID_VALUES =
      Map.of(
          ED_1.keyId(), value(ED_1),
          ED_2.keyId(), value(ED_2),
          P256_1.keyId(), value(P256_1),
          OUTSIDER.keyId(), value(OUTSIDER));

  private static String value(SigningKey key) {
    return ManifestSigner.sign(UNSIGNED, key).signatures().get(0).value();
  }

  /**
   * One signature entry with an algorithm this version does not know.
   *
   * @param position where to insert it among the entries (taken modulo their number plus one)
   * @param keyId the key id it claims
   * @param algorithm its algorithm name
   * @param value its value: a relabelled valid signature or random bytes
   */
  private record Unknown(int position, String keyId, String algorithm, String value) {}

  /**
   * Adding any number of unknown-algorithm signatures, anywhere in the list, by trusted or
   * untrusted key ids, with random values or valid signatures relabelled, to a signed manifest
   * gives the same outcome: the same verified keys, or the same reason code.
   */
  @Property(seed = "20261209", tries = 300)
  void addingUnknownAlgorithmSignatures_neverChangesVerificationOutcome(
      @ForAll("signerSets") List<SigningKey> signers,
      @ForAll boolean forgeOne,
      @ForAll @IntRange(min = 1, max = 3) int threshold,
      @ForAll("unknownEntries") List<Unknown> added)
      throws Exception {
    TrustStore trust = TRUST.get(threshold);
    ObjectNode root = signedDocument(signers, forgeOne);
    VerificationOutcome before = VerificationOutcome.of(trust, JSON.writeValueAsBytes(root));

    ArrayNode signatures = root.withArray("signatures");
    for (Unknown u : added) {
      ObjectNode entry = JsonNodeFactory.instance.objectNode();
      entry.put("keyId", u.keyId()).put("algorithm", u.algorithm()).put("value", u.value());
      signatures.insert(u.position() % (signatures.size() + 1), entry);
    }
    VerificationOutcome after = VerificationOutcome.of(trust, JSON.writeValueAsBytes(root));

    assertThat(after).isEqualTo(before);
  }

  /** A manifest signed by {@code signers}; with {@code forgeOne}, ED_2's id on another's value. */
  private static ObjectNode signedDocument(List<SigningKey> signers, boolean forgeOne)
      throws Exception {
    SignedManifest m = UNSIGNED;
    for (SigningKey k : signers) {
      m = ManifestSigner.sign(m, k);
    }
    ObjectNode root = (ObjectNode) JSON.readTree(m.toJson());
    if (forgeOne) {
      root.withArray("signatures")
          .addObject()
          .put("keyId", ED_2.keyId())
          .put("algorithm", "ed25519")
          .put("value", VALID_VALUES.get(OUTSIDER.keyId()));
    }
    return root;
  }

  @Provide
  Arbitrary<List<SigningKey>> signerSets() {
    return Arbitraries.subsetOf(KEYS)
        .filter(s -> !s.isEmpty())
        .map(s -> KEYS.stream().filter(s::contains).toList());
  }

  @Provide
  Arbitrary<Unknown> unknownEntry() {
    Arbitrary<String> keyId =
        Arbitraries.oneOf(
            Arbitraries.of(KEYS).map(SigningKey::keyId),
            Arbitraries.strings().withChars("0123456789abcdef").ofLength(64));
    Arbitrary<String> generatedName =
        Combinators.combine(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789"),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789._+-"))
            .as((head, tail) -> head + tail)
            .filter(n -> !n.isEmpty() && n.length() <= 64);
    Arbitrary<String> algorithm =
        Arbitraries.oneOf(
                Arbitraries.of("none", "ED25519", "Ed25519", "ed448", "ml-dsa-65", "ecdsa-p384"),
                generatedName)
            .filter(n -> Character.isLetterOrDigit(n.charAt(0)))
            .filter(n -> SignatureAlgorithm.lookup(n).isEmpty());
    Arbitrary<String> randomValue =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMinSize(1)
            .ofMaxSize(96)
            .map(b -> Base64.getEncoder().encodeToString(b));
    return Combinators.combine(
            Arbitraries.integers().between(0, 64), keyId, algorithm, Arbitraries.integers())
        .flatAs(
            (position, id, name, pick) -> {
              Arbitrary<String> value =
                  VALID_VALUES.containsKey(id) && pick % 2 == 0
                      ? Arbitraries.just(VALID_VALUES.get(id))
                      : randomValue;
              return value.map(v -> new Unknown(position, id, name, v));
            });
  }

  @Provide
  Arbitrary<List<Unknown>> unknownEntries() {
    return unknownEntry().list().ofMinSize(1).ofMaxSize(40);
  }
}
