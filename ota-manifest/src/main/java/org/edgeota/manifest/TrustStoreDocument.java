package org.edgeota.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Fields;
import org.edgeota.manifest.internal.JcsWriter;
import org.edgeota.manifest.internal.Signatures;
import org.edgeota.manifest.internal.StrictJson;
import org.edgeota.manifest.internal.TrustStoreCodec;

/**
 * A trust store being built and signed, before it is trusted.
 *
 * <p>A trust store is only ever used through {@link TrustStore}, which is obtained by parsing and
 * verifying the JSON this class writes; this keeps an unsigned or under-signed store from being
 * used to verify anything. Instances are immutable.
 */
public final class TrustStoreDocument {
  private final List<TrustedKey> keys;
  private final int threshold;
  private final long version;
  private final Instant expires;
  private final List<ManifestSignature> signatures;
  private final ObjectNode content;

  private TrustStoreDocument(
      List<TrustedKey> keys,
      int threshold,
      long version,
      Instant expires,
      List<ManifestSignature> signatures) {
    this.keys = List.copyOf(keys);
    this.threshold = threshold;
    this.version = version;
    this.expires = expires;
    this.signatures = List.copyOf(signatures);
    this.content = TrustStoreCodec.encode(keys, threshold, version, expires);
  }

  /**
   * Creates an unsigned trust store document.
   *
   * @param keys the trusted keys, each once
   * @param threshold how many distinct keys must sign a manifest (and the next trust store)
   * @param version the trust store version, at least 1; a rotation needs a higher one
   * @param expires when the trust store stops being valid
   * @return the document without signatures
   * @throws OtaException with {@link ReasonCode#TRUST_STORE_INVALID} for a repeated key, a
   *     threshold outside {@code 1..keys.size()} or a version below 1
   */
  public static TrustStoreDocument create(
      List<TrustedKey> keys, int threshold, long version, Instant expires) {
    Objects.requireNonNull(expires, "expires");
    Set<String> ids = new HashSet<>();
    for (TrustedKey k : keys) {
      if (!ids.add(k.keyId())) {
        throw new OtaException(
            ReasonCode.TRUST_STORE_INVALID,
            k.keyId(),
            "trust store keys: expected each key once, found " + k.keyId() + " again");
      }
    }
    TrustStoreCodec.checkThreshold(threshold, keys.size());
    if (version < 1 || version > Fields.MAX_SAFE_INTEGER) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          Long.toString(version),
          "trust store version: expected 1 to " + Fields.MAX_SAFE_INTEGER + ", found " + version);
    }
    return new TrustStoreDocument(new ArrayList<>(keys), threshold, version, expires, List.of());
  }

  /**
   * Returns a copy signed by one more key (replacing an earlier signature by the same key).
   *
   * @param key the signing key; for a first store one of its own keys, for a rotation a key of the
   *     current or the new store
   * @return the signed document
   */
  public TrustStoreDocument sign(SigningKey key) {
    ManifestSignature s = ManifestSigner.signature(canonicalSignedBytes(), key);
    return new TrustStoreDocument(
        keys, threshold, version, expires, Signatures.with(signatures, s));
  }

  /**
   * Returns the bytes signatures are made over.
   *
   * @return the RFC 8785 form of the document without {@code signatures}
   */
  public byte[] canonicalSignedBytes() {
    return JcsWriter.canonicalize(content);
  }

  /**
   * Returns the document as indented JSON.
   *
   * @return the UTF-8 document
   */
  public byte[] toJson() {
    ObjectNode out = content.deepCopy();
    out.set(Signatures.MEMBER, Signatures.write(signatures));
    return StrictJson.pretty(out);
  }

  /**
   * Returns the keys.
   *
   * @return the keys in document order
   */
  public List<TrustedKey> keys() {
    return keys;
  }

  /**
   * Returns the threshold.
   *
   * @return how many distinct keys must sign
   */
  public int threshold() {
    return threshold;
  }

  /**
   * Returns the version.
   *
   * @return the version
   */
  public long version() {
    return version;
  }

  /**
   * Returns the expiry.
   *
   * @return the instant after which the store is invalid
   */
  public Instant expires() {
    return expires;
  }

  /**
   * Returns the signatures.
   *
   * @return the signatures made so far
   */
  public List<ManifestSignature> signatures() {
    return signatures;
  }
}
