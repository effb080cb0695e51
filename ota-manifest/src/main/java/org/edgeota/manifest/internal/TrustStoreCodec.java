package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
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
import org.edgeota.manifest.UnusableKey;
import org.edgeota.manifest.UnverifiableSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Converts between the trust store JSON tree and its parts, strictly. */
public final class TrustStoreCodec {
  private static final Logger LOG = LoggerFactory.getLogger(TrustStoreCodec.class);

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
   * @param keys the trusted keys of known algorithms by id, in document order
   * @param unusable the key entries of algorithms this version does not know, in document order;
   *     they verify nothing and never count toward the threshold
   * @param threshold how many distinct keys must sign
   * @param version the trust store version
   * @param expires when the trust store stops being valid
   * @param signatures the document's signatures of known algorithms
   * @param unverifiable the document's signatures of unknown algorithms, which never count
   * @param content the signed content (the document without {@code signatures})
   */
  public record Parsed(
      Map<String, TrustedKey> keys,
      List<UnusableKey> unusable,
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
    List<UnusableKey> unusable = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < keyNodes.size(); i++) {
      String path = "keys[" + i + "]";
      KeyEntry k = key(keyNodes.get(i), path);
      String keyId = k.keyId();
      if (!ids.add(keyId)) {
        throw new OtaException(
            ReasonCode.TRUST_STORE_INVALID,
            keyId,
            DOCUMENT
                + " field '"
                + path
                + ".keyId': expected each key once, found "
                + keyId
                + " again");
      }
      if (k.trusted() != null) {
        keys.put(keyId, k.trusted());
      } else {
        UnusableKey u = k.unusable();
        LOG.warn(
            "{} field '{}': key {} uses algorithm '{}', which this version does not know; kept as"
                + " unusable, it verifies nothing and does not count toward any threshold",
            DOCUMENT,
            path,
            keyId,
            u.algorithm());
        unusable.add(u);
      }
    }
    int threshold = (int) f.integer("threshold", 1, MAX_KEYS);
    checkThreshold(threshold, keys.size(), unusable.size());
    Signatures.Entries signatures = Signatures.read(root, DOCUMENT);
    ObjectNode content = ((ObjectNode) root).deepCopy();
    content.remove(Signatures.MEMBER);
    return new Parsed(
        Collections.unmodifiableMap(keys),
        List.copyOf(unusable),
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
    checkThreshold(threshold, keyCount, 0);
  }

  /**
   * Checks that a threshold can be met by the keys of known algorithms alone.
   *
   * @param threshold the threshold
   * @param keyCount the number of keys of known algorithms
   * @param unusableCount the number of keys of unknown algorithms, which never count (for the
   *     message)
   * @throws OtaException with {@link ReasonCode#TRUST_STORE_INVALID} if not {@code 1 <= threshold
   *     <= keyCount}
   */
  public static void checkThreshold(int threshold, int keyCount, int unusableCount) {
    if (threshold < 1 || threshold > keyCount) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          Integer.toString(threshold),
          DOCUMENT
              + " field 'threshold': expected 1 to "
              + keyCount
              + (unusableCount == 0
                  ? " (the number of keys)"
                  : " (the number of keys of known algorithms; "
                      + unusableCount
                      + " key(s) of algorithms this version does not know never count)")
              + ", found "
              + threshold);
    }
  }

  /** One key entry: exactly one of {@code trusted} and {@code unusable} is set. */
  private record KeyEntry(String keyId, TrustedKey trusted, UnusableKey unusable) {}

  /** Reads one key entry: a {@link TrustedKey}, or an {@link UnusableKey} for an unknown name. */
  private static KeyEntry key(JsonNode node, String path) {
    Fields k = Fields.object(node, DOCUMENT, path);
    k.rejectUnknown(KEY_FIELDS);
    String keyId = k.sha256("keyId");
    String name = k.string("algorithm");
    SignatureAlgorithm algorithm;
    if (SignatureAlgorithm.lookup(name).isEmpty()
        && Signatures.ALGORITHM_NAME.matcher(name).matches()) {
      return new KeyEntry(keyId, null, unusableKey(k, keyId, name));
    }
    try {
      algorithm = SignatureAlgorithm.fromWireName(name);
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
      return new KeyEntry(keyId, new TrustedKey(keyId, algorithm, PublicKeys.fromDer(der)), null);
    } catch (IllegalArgumentException | OtaException e) {
      throw badPublicKey(k, keyId, e);
    }
  }

  private static OtaException badPublicKey(Fields k, String keyId, RuntimeException e) {
    return new OtaException(
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

  /**
   * Reads a key of an algorithm this version does not know. The key cannot be decoded, but the
   * public key must still be base64 and the id must be the SHA-256 of its bytes, as for any key.
   */
  private static UnusableKey unusableKey(Fields k, String keyId, String name) {
    String encoded = k.string("publicKey");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw badPublicKey(k, keyId, e);
    }
    String actualId = Hex.sha256(der);
    if (!actualId.equals(keyId)) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          keyId,
          DOCUMENT
              + " field '"
              + k.child("keyId")
              + "': expected "
              + actualId
              + " (SHA-256 of the '"
              + name
              + "' key), found "
              + keyId);
    }
    return new UnusableKey(keyId, name, encoded);
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
