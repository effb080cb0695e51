package org.edgeota.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.JcsWriter;
import org.edgeota.manifest.internal.Signatures;
import org.edgeota.manifest.internal.StrictJson;
import org.edgeota.manifest.internal.TrustStoreCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verified set of trusted signing keys with a threshold, a version and an expiry.
 *
 * <p>A trust store is a JSON document signed like a manifest (RFC 8785 form without {@code
 * signatures}). {@link #parse} accepts it only if at least {@code threshold} of its own keys signed
 * it; this is how a device checks the store installed at manufacture. A replacement is accepted by
 * {@link #rotate} only if it has a higher version, has not expired, and is signed by a threshold of
 * the <em>current</em> keys and by a threshold of its own keys.
 *
 * <p>Signatures of algorithms this version does not know ({@link UnverifiableSignature}) are
 * ignored by every check here: they never count toward a threshold, neither for a manifest nor for
 * a trust store or its rotation. Likewise a key entry of an unknown algorithm ({@link UnusableKey})
 * is kept in the document but verifies nothing and never counts: the threshold must be reachable by
 * the keys of known algorithms alone, or the store is refused as for any threshold above the number
 * of keys.
 *
 * <p>Note: an expired trust store verifies no manifest, but it can still authorise its own
 * rotation, so a device that was offline past the expiry can recover by receiving a new store.
 */
public final class TrustStore {
  private static final Logger LOG = LoggerFactory.getLogger(TrustStore.class);

  private final Map<String, TrustedKey> keys;
  private final List<UnusableKey> unusableKeys;
  private final int threshold;
  private final long version;
  private final Instant expires;
  private final byte[] json;

  private TrustStore(TrustStoreCodec.Parsed parsed, byte[] json) {
    this.keys = parsed.keys();
    this.unusableKeys = parsed.unusable();
    this.threshold = parsed.threshold();
    this.version = parsed.version();
    this.expires = parsed.expires();
    this.json = json.clone();
  }

  /**
   * Parses a trust store and checks that a threshold of its own keys signed it.
   *
   * <p>A key entry whose algorithm name is well formed but unknown to this version is kept as an
   * {@link UnusableKey} (see {@link #unusableKeys()}) and logged at WARN; it never counts, so a
   * threshold above the number of keys of known algorithms is refused.
   *
   * @param json the UTF-8 document
   * @return the verified trust store
   * @throws OtaException with {@link ReasonCode#MANIFEST_TOO_LARGE}, {@link
   *     ReasonCode#MANIFEST_MALFORMED}, {@link ReasonCode#MANIFEST_FIELD_INVALID} for a malformed
   *     document, or {@link ReasonCode#TRUST_STORE_INVALID} for inconsistent keys, a threshold
   *     above the number of keys of known algorithms, or too few valid signatures
   */
  public static TrustStore parse(byte[] json) {
    TrustStoreCodec.Parsed parsed = decode(json);
    try {
      verifySelf(parsed);
    } catch (OtaException e) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          e.offendingValue(),
          "trust store version "
              + parsed.version()
              + " is not signed by its own keys: "
              + e.getMessage(),
          e);
    }
    return new TrustStore(parsed, json);
  }

  /**
   * Reads and parses a trust store file, checking its size before reading it.
   *
   * @param file the file
   * @return the verified trust store
   * @throws OtaException see {@link #parse}, or {@link ReasonCode#IO_ERROR}
   */
  public static TrustStore read(Path file) {
    return parse(StrictJson.readCapped(file, StrictJson.DEFAULT_MAX_BYTES, "trust store"));
  }

  private static TrustStoreCodec.Parsed decode(byte[] json) {
    JsonNode root = StrictJson.parse(json, StrictJson.DEFAULT_MAX_BYTES, TrustStoreCodec.DOCUMENT);
    return TrustStoreCodec.decode(root);
  }

  private static Set<String> verifySelf(TrustStoreCodec.Parsed parsed) {
    return Signatures.verify(
        JcsWriter.canonicalize(parsed.content()),
        parsed.signatures(),
        parsed.unverifiable(),
        parsed.keys(),
        parsed.threshold(),
        TrustStoreCodec.DOCUMENT,
        ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  /**
   * Verifies a manifest's signatures against this store.
   *
   * @param manifest the manifest
   * @param clock the clock the store's expiry is checked against
   * @return the ids of the trusted keys whose signatures verified (at least {@link #threshold()})
   * @throws OtaException with {@link ReasonCode#TRUST_STORE_INVALID} if this store has expired,
   *     {@link ReasonCode#SIGNATURE_MISSING} if the manifest has no signature, {@link
   *     ReasonCode#KEY_UNKNOWN} if only unknown keys signed, {@link ReasonCode#SIGNATURE_INVALID}
   *     if no trusted key's signature verifies, or {@link ReasonCode#SIGNATURE_THRESHOLD_NOT_MET}
   *     if fewer distinct trusted keys than the threshold signed validly (also when the manifest
   *     has only signatures of algorithms this version does not know, which never count)
   */
  public Set<String> verifyManifest(SignedManifest manifest, Clock clock) {
    Objects.requireNonNull(manifest, "manifest");
    Instant now = clock.instant();
    if (now.isAfter(expires)) {
      throw new OtaException(
          ReasonCode.TRUST_STORE_INVALID,
          expires.toString(),
          "trust store version "
              + version
              + ": expected to be valid at "
              + now
              + ", found it expired at "
              + expires);
    }
    return Signatures.verify(
        manifest.canonicalSignedBytes(),
        manifest.signatures(),
        manifest.unverifiableSignatures(),
        keys,
        threshold,
        "manifest",
        ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
  }

  /**
   * Accepts a new trust store that replaces this one.
   *
   * @param newSignedTrustStoreJson the new signed document
   * @param clock the clock the new store's expiry is checked against
   * @return the new trust store
   * @throws OtaException with {@link ReasonCode#TRUST_ROTATION_REJECTED} if the new version is not
   *     higher, it has expired, or it is not signed by a threshold of this store's keys and a
   *     threshold of its own keys (keys of unknown algorithms, in either store, never count); or a
   *     parse reason code for a malformed document, {@link ReasonCode#TRUST_STORE_INVALID} included
   *     for a threshold above the number of the new store's keys of known algorithms
   */
  public TrustStore rotate(byte[] newSignedTrustStoreJson, Clock clock) {
    TrustStoreCodec.Parsed next = decode(newSignedTrustStoreJson);
    if (next.version() <= version) {
      throw rejected(
          Long.toString(next.version()),
          "expected a version higher than " + version + ", found " + next.version());
    }
    Instant now = clock.instant();
    if (!next.expires().isAfter(now)) {
      throw rejected(
          next.expires().toString(),
          "expected an expiry after " + now + ", found " + next.expires());
    }
    byte[] canonical = JcsWriter.canonicalize(next.content());
    try {
      Signatures.verify(
          canonical,
          next.signatures(),
          next.unverifiable(),
          keys,
          threshold,
          "new trust store (by current keys)",
          ReasonCode.SIGNATURE_THRESHOLD_NOT_MET);
      verifySelf(next);
    } catch (OtaException e) {
      throw rejected(e.offendingValue(), e.getMessage());
    }
    LOG.info("Trust store rotated from version {} to version {}", version, next.version());
    return new TrustStore(next, newSignedTrustStoreJson);
  }

  private OtaException rejected(String value, String detail) {
    return new OtaException(
        ReasonCode.TRUST_ROTATION_REJECTED,
        value,
        "trust store rotation from version " + version + ": " + detail);
  }

  /**
   * Returns the trusted keys of known algorithms; only these can verify a signature.
   *
   * @return the keys
   */
  public List<TrustedKey> keys() {
    return List.copyOf(new ArrayList<>(keys.values()));
  }

  /**
   * Returns the key entries whose algorithm this version does not know, in document order. They
   * verify nothing and never count toward a threshold.
   *
   * @return the unusable keys, usually empty
   */
  public List<UnusableKey> unusableKeys() {
    return unusableKeys;
  }

  /**
   * Returns the key with an id.
   *
   * @param keyId the key id
   * @return the key, or {@code null} if this store does not trust it (also for an {@link
   *     UnusableKey})
   */
  public TrustedKey key(String keyId) {
    return keys.get(keyId);
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
   * @return the instant after which this store verifies nothing
   */
  public Instant expires() {
    return expires;
  }

  /**
   * Returns the document exactly as parsed, to persist it.
   *
   * @return the UTF-8 bytes
   */
  public byte[] toJson() {
    return json.clone();
  }
}
