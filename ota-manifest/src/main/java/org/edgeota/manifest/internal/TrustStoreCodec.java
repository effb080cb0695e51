package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.ManifestSignature;
import org.edgeota.manifest.PublicKeys;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.TrustedKey;
import org.edgeota.manifest.UnverifiableSignature;

/** Converts between the trust store JSON tree and its parts, strictly. */
public final class TrustStoreCodec {
  /** Document kind used in messages. */
  public static final String DOCUMENT = "trust store";

  /** Value of the {@code type} member, which keeps trust stores and manifests apart. */
  public static final String TYPE = "edgeota-trust-store";

  private static final Set<String> ROOT_FIELDS =
      Set.of("type", "version", "expires", "threshold", "keys", Signatures.MEMBER);
  private static final Set<String> KEY_FIELDS = Set.of("keyId", "algorithm", "publicKey");
  private static final int MAX_KEYS = 64;

  private TrustStoreCodec() {}

  /**
   * The parts of a trust store document.
   *
   * @param keys the trusted keys by id, in document order
   * @param threshold how many distinct keys must sign
   * @param version the trust store version
   * @param expires when the trust store stops being valid
   * @param signatures the document's signatures of known algorithms
   * @param unverifiable the document's signatures of unknown algorithms, which never count
   * @param content the signed content (the document without {@code signatures})
   */
  public record Parsed(
      Map<String, TrustedKey> keys,
      int threshold,
      long version,
      Instant expires,
      List<ManifestSignature> signatures,
      List<UnverifiableSignature> unverifiable,
      ObjectNode content) {}

  /**
   * Decodes and validates a trust store tree; signatures are read but not verified.
   *
   * @param root the parsed document
   * @return the parts
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED}, {@link
   *     ReasonCode#MANIFEST_FIELD_INVALID} or {@link ReasonCode#TRUST_STORE_INVALID}
   */
  public static Parsed decode(JsonNode root) {
    Fields f = Fields.root(root, DOCUMENT);
    f.rejectUnknown(ROOT_FIELDS);
    String type = f.string("type");
    if (!TYPE.equals(type)) {
      throw f.invalid("type", type, "'" + TYPE + "'");
    }
    long version = f.integer("version", 1, Fields.MAX_SAFE_INTEGER);
    Instant expires = f.instant("expires");
    List<JsonNode> keyNodes = f.array("keys", 1, MAX_KEYS);
    Map<String, TrustedKey> keys = new LinkedHashMap<>();
    for (int i = 0; i < keyNodes.size(); i++) {
      TrustedKey k = key(keyNodes.get(i), "keys[" + i + "]");
      if (keys.putIfAbsent(k.keyId(), k) != null) {
        throw new OtaException(
            ReasonCode.TRUST_STORE_INVALID,
            k.keyId(),
            DOCUMENT
                + " field 'keys["
                + i
                + "].keyId': expected each key once, found "
                + k.keyId()
                + " again");
      }
    }
    int threshold = (int) f.integer("threshold", 1, MAX_KEYS);
    checkThreshold(threshold, keys.size());
    Signatures.Entries signatures = Signatures.read(root, DOCUMENT);
    ObjectNode content = ((ObjectNode) root).deepCopy();
    content.remove(Signatures.MEMBER);
    return new Parsed(
        Collections.unmodifiableMap(keys),
        threshold,
        version,
        expires,
        signatures.known(),
        signatures.unverifiable(),
        content);
  }

  /**
   * Checks that a threshold can be met by the keys.
   *
   * @param threshold the threshold
   * @param keyCount the number of keys
   * @throws OtaException with {@link ReasonCode#TRUST_STORE_INVALID} if not {@code 1 <= threshold
   *     <= keyCount}
   */
  public static void checkThreshold(int threshold, int keyCount) {
    if (threshold < 1 || threshold > keyCount) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          Integer.toString(threshold),
          DOCUMENT
              + " field 'threshold': expected 1 to "
              + keyCount
              + " (the number of keys), found "
              + threshold);
    }
  }

  private static TrustedKey key(JsonNode node, String path) {
    Fields k = Fields.object(node, DOCUMENT, path);
    k.rejectUnknown(KEY_FIELDS);
    String keyId = k.sha256("keyId");
    SignatureAlgorithm algorithm;
    try {
      algorithm = SignatureAlgorithm.fromWireName(k.string("algorithm"));
    } catch (OtaException e) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          e.offendingValue(),
          DOCUMENT + " field '" + k.child("algorithm") + "': " + e.getMessage(),
          e);
    }
    String encoded = k.string("publicKey");
    try {
      byte[] der = Base64.getDecoder().decode(encoded);
      return new TrustedKey(keyId, algorithm, PublicKeys.fromDer(der));
    } catch (IllegalArgumentException | OtaException e) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          keyId,
          DOCUMENT
              + " field '"
              + k.child("publicKey")
              + "': expected the base64 DER key with id "
              + keyId
              + ", found: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Encodes trust store content without signatures.
   *
   * @param keys the keys
   * @param threshold the threshold
   * @param version the version
   * @param expires the expiry
   * @return the tree
   */
  public static ObjectNode encode(
      List<TrustedKey> keys, int threshold, long version, Instant expires) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("type", TYPE);
    o.put("version", version);
    o.put("expires", expires.toString());
    o.put("threshold", threshold);
    ArrayNode array = o.putArray("keys");
    for (TrustedKey k : new ArrayList<>(keys)) {
      ObjectNode ko = array.addObject();
      ko.put("keyId", k.keyId());
      ko.put("algorithm", k.algorithm().wireName());
      ko.put("publicKey", Base64.getEncoder().encodeToString(k.publicKey().getEncoded()));
    }
    return o;
  }
}
