package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.ED_2;
import static org.edgeota.manifest.Fixtures.OUTSIDER;
import static org.edgeota.manifest.Fixtures.P256_1;
import static org.edgeota.manifest.Fixtures.P256_2;
import static org.edgeota.manifest.Fixtures.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Trust store keys of unknown algorithms never change whether, or why, a manifest verifies. */
class UnusableKeyProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SigningKey> TRUSTED = List.of(ED_1, ED_2, P256_1);
  private static final List<SigningKey> SIGNERS = List.of(ED_1, ED_2, P256_1, OUTSIDER, P256_2);
  private static final SignedManifest UNSIGNED = SignedManifest.unsigned(release());

  /**
   * Adding any number of unknown-algorithm keys, anywhere in the key list, with random key bytes or
   * the real keys of manifest signers the store does not trust, to a trust store (signed again by
   * its keys) gives the same outcome for any manifest: the same verified keys, or the same reason
   * code. Signatures claiming the added keys' ids, in a known or an unknown algorithm, count for
   * nothing.
   */
  @Property(seed = "20261204", tries = 300)
  void addingUnknownAlgorithmKeys_neverChangesVerificationOutcome(
      @ForAll("signerSets") List<SigningKey> signers,
      @ForAll boolean unknownAlgorithmSignature,
      @ForAll @IntRange(min = 1, max = 3) int threshold,
      @ForAll("unknownKeys") List<UnusableKeyStores.Placed> added)
      throws Exception {
    SignedManifest manifest = UNSIGNED;
    for (SigningKey k : signers) {
      manifest = ManifestSigner.sign(manifest, k);
    }
    byte[] manifestJson = manifest.toJson();
    if (unknownAlgorithmSignature) {
      ObjectNode root = (ObjectNode) JSON.readTree(manifestJson);
      root.withArray("signatures")
          .addObject()
          .put("keyId", added.get(0).entry().get("keyId").textValue())
          .put("algorithm", added.get(0).entry().get("algorithm").textValue())
          .put("value", "AAAA");
      manifestJson = JSON.writeValueAsBytes(root);
    }
    SigningKey[] own = TRUSTED.toArray(SigningKey[]::new);
    TrustStore plain =
        TrustStore.parse(
            UnusableKeyStores.signedBy(
                UnusableKeyStores.content(1, threshold, TRUSTED, List.of()), own));
    TrustStore withUnknown =
        TrustStore.parse(
            UnusableKeyStores.signedBy(
                UnusableKeyStores.content(1, threshold, TRUSTED, added), own));

    VerificationOutcome before = VerificationOutcome.of(plain, manifestJson);
    VerificationOutcome after = VerificationOutcome.of(withUnknown, manifestJson);

    assertThat(withUnknown.unusableKeys()).hasSize(added.size());
    assertThat(after).isEqualTo(before);
  }

  @Provide
  Arbitrary<List<SigningKey>> signerSets() {
    return Arbitraries.subsetOf(SIGNERS)
        .filter(s -> !s.isEmpty())
        .map(s -> SIGNERS.stream().filter(s::contains).toList());
  }

  @Provide
  Arbitrary<List<UnusableKeyStores.Placed>> unknownKeys() {
    Arbitrary<byte[]> keyBytes =
        Arbitraries.oneOf(
            Arbitraries.of(OUTSIDER, P256_2).map(UnusableKeyStores::der),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200));
    Arbitrary<String> algorithm =
        Arbitraries.oneOf(
                Arbitraries.of("none", "ED25519", "Ed25519", "ed448", "ml-dsa-65", "ecdsa-p384"),
                Combinators.combine(
                        Arbitraries.strings().withChars("abcdefXYZ0123456789").ofLength(1),
                        Arbitraries.strings()
                            .withChars("abcdefghijklmnopqrstuvwxyz0123456789._+-")
                            .ofMaxLength(63))
                    .as((head, tail) -> head + tail))
            .filter(n -> SignatureAlgorithm.lookup(n).isEmpty());
    return Combinators.combine(Arbitraries.integers().between(0, 64), algorithm, keyBytes)
        .as(
            (position, name, bytes) ->
                new UnusableKeyStores.Placed(position, UnusableKeyStores.unknownKey(name, bytes)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .uniqueElements(p -> p.entry().get("keyId").textValue());
  }
}
