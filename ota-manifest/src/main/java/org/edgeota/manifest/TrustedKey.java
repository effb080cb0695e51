package org.edgeota.manifest;

import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Crypto;

/**
 * A public key named by a trust store.
 *
 * @param keyId lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo
 * @param algorithm the signature algorithm the key is used with
 * @param publicKey the key
 */
public record TrustedKey(String keyId, SignatureAlgorithm algorithm, PublicKey publicKey) {

  /**
   * Checks that the id and algorithm match the key.
   *
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if they do not
   */
  public TrustedKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicKey, "publicKey");
    String actualId = PublicKeys.keyId(publicKey);
    if (!actualId.equals(keyId)) {
      throw new OtaException(
          ReasonCode.KEY_INVALID,
          keyId,
          "trusted key: expected keyId " + actualId + " (SHA-256 of the key), found " + keyId);
    }
    SignatureAlgorithm actual = PublicKeys.algorithmOf(publicKey);
    if (actual != algorithm) {
      throw new OtaException(
          ReasonCode.KEY_INVALID,
          algorithm.wireName(),
          "trusted key "
              + keyId
              + ": expected algorithm "
              + actual.wireName()
              + ", found "
              + algorithm.wireName());
    }
  }

  /**
   * Tells whether a signature was made by this key over the given bytes.
   *
   * @param signature the signature entry
   * @param signedBytes the bytes it should cover, normally {@link
   *     SignedManifest#canonicalSignedBytes()}
   * @return {@code true} only if the entry names this key's id and algorithm and its value verifies
   *     over {@code signedBytes}; a value that does not decode gives {@code false}
   */
  public boolean verifies(ManifestSignature signature, byte[] signedBytes) {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(signedBytes, "signedBytes");
    if (!keyId.equals(signature.keyId()) || algorithm != signature.algorithm()) {
      return false;
    }
    byte[] value;
    try {
      value = Base64.getDecoder().decode(signature.value());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return Crypto.verify(algorithm, publicKey, signedBytes, value);
  }

  /**
   * Creates the entry for a public key, deriving its id and algorithm.
   *
   * @param publicKey an Ed25519 or P-256 key
   * @return the entry
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} for another key type
   */
  public static TrustedKey of(PublicKey publicKey) {
    return new TrustedKey(
        PublicKeys.keyId(publicKey), PublicKeys.algorithmOf(publicKey), publicKey);
  }
}
