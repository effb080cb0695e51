package org.edgeota.manifest;

import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * A trust store key entry whose algorithm this version of the library does not know.
 *
 * <p>Such an entry is kept so that a trust store that adds a key of a newer algorithm still parses
 * and is written back unchanged, but the key is never used: it verifies no signature, it never
 * counts toward a threshold, and the threshold must be reachable by the keys of known algorithms
 * alone. Its key id is checked as strictly as that of any other entry and must be the SHA-256 of
 * the decoded public key bytes.
 *
 * @param keyId lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo
 * @param algorithm the algorithm name exactly as written in the document
 * @param publicKey the public key in standard base64 (with padding), as written in the document
 */
public record UnusableKey(String keyId, String algorithm, String publicKey) {

  /**
   * Checks that no field is missing and that the algorithm is indeed unknown.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} if {@code algorithm} names an
   *     algorithm this version knows (use {@link TrustedKey} for those)
   */
  public UnusableKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicKey, "publicKey");
    if (SignatureAlgorithm.lookup(algorithm).isPresent()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          algorithm,
          "unusable key "
              + keyId
              + ": expected an algorithm this version does not know, found '"
              + algorithm
              + "'");
    }
  }
}
