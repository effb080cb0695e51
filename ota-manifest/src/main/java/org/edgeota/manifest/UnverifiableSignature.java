package org.edgeota.manifest;

import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * A signature entry whose algorithm this version of the library does not know.
 *
 * <p>Such an entry is kept so that a document signed with a newer algorithm beside the known ones
 * still parses and is written back unchanged, but it is never verified: it never counts toward a
 * threshold and never makes a document valid. Its key id and value are checked as strictly as those
 * of any other entry.
 *
 * @param keyId lower-case hex SHA-256 of the signer's DER SubjectPublicKeyInfo
 * @param algorithm the algorithm name exactly as written in the document
 * @param value the signature in standard base64 (with padding)
 */
public record UnverifiableSignature(String keyId, String algorithm, String value) {

  /**
   * Checks that no field is missing and that the algorithm is indeed unknown.
   *
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} if {@code algorithm} names an
   *     algorithm this version knows (use {@link ManifestSignature} for those)
   */
  public UnverifiableSignature {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(value, "value");
    if (SignatureAlgorithm.lookup(algorithm).isPresent()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          algorithm,
          "unverifiable signature by "
              + keyId
              + ": expected an algorithm this version does not know, found '"
              + algorithm
              + "'");
    }
  }
}
