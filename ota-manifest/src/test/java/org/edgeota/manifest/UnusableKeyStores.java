package org.edgeota.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.edgeota.manifest.internal.Hex;
import org.edgeota.manifest.internal.Signatures;

/** Builds signed trust store documents that hold key entries of algorithms nobody here knows. */
final class UnusableKeyStores {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UnusableKeyStores() {}

  /**
   * A key entry of an unknown algorithm whose id is the SHA-256 of its bytes, as for any key.
   *
   * @param algorithm the algorithm name
   * @param keyBytes the public key bytes
   */
  static ObjectNode unknownKey(String algorithm, byte[] keyBytes) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("keyId", Hex.sha256(keyBytes))
        .put("algorithm", algorithm)
        .put("publicKey", Base64.getEncoder().encodeToString(keyBytes));
  }

  /** The DER form of a signing key's public key, to list under another algorithm name. */
  static byte[] der(SigningKey key) {
    return key.trustedKey().publicKey().getEncoded();
  }

  /**
   * The content of a trust store (no {@code signatures}) of {@code known} keys, with {@code extra}
   * entries inserted into its key list.
   *
   * @param version the store version
   * @param threshold the threshold written into the document, checked by nothing here
   * @param known the keys of known algorithms, in order
   * @param extra the entries to insert, each with the index to insert it at (taken modulo the
   *     list's size plus one)
   */
  static ObjectNode content(
      long version, int threshold, List<SigningKey> known, List<Placed> extra) {
    TrustStoreDocument doc =
        TrustStoreDocument.create(
            known.stream().map(SigningKey::trustedKey).toList(),
            1,
            version,
            Fixtures.TRUST_EXPIRES);
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(doc.toJson());
      root.remove("signatures");
      root.put("threshold", threshold);
      ArrayNode keys = root.withArray("keys");
      for (Placed p : extra) {
        keys.insert(p.position() % (keys.size() + 1), p.entry());
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An entry and where to insert it.
   *
   * @param position the index (taken modulo the list's size plus one)
   * @param entry the key entry
   */
  record Placed(int position, ObjectNode entry) {}

  /** {@code content} signed by each of {@code signers}, as a JSON document. */
  static byte[] signedBy(ObjectNode content, SigningKey... signers) {
    try {
      byte[] canonical = Jcs.canonicalize(JSON.writeValueAsBytes(content));
      List<ManifestSignature> signatures = new ArrayList<>();
      for (SigningKey k : signers) {
        signatures.add(ManifestSigner.signature(canonical, k));
      }
      ObjectNode out = content.deepCopy();
      out.set("signatures", Signatures.write(signatures));
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A store of {@code known} keys and the {@code unknown} entries after them, signed by all. */
  static byte[] store(
      long version, int threshold, List<SigningKey> known, List<ObjectNode> unknown) {
    ObjectNode content = content(version, threshold, known, List.of());
    unknown.forEach(content.withArray("keys")::add);
    return signedBy(content, known.toArray(SigningKey[]::new));
  }
}
