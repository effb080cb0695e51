package org.edgeota.manifest;

import java.util.Base64;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * One signature of a manifest or trust store.
 *
 * @param keyId lower-case hex SHA-256 of the signer's DER SubjectPublicKeyInfo
 * @param algorithm the signature algorithm
 * @param value the signature in standard base64 (with padding)
 */
public record ManifestSignature(String keyId, SignatureAlgorithm algorithm, String value) {

  /** Checks that no field is missing. */
  public ManifestSignature {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Returns the raw signature bytes.
   *
   * @return the decoded value
   * @throws OtaException with {@link ReasonCode#SIGNATURE_INVALID} if the value is not base64
   */
  public byte[] decodedValue() {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new OtaException(
          ReasonCode.SIGNATURE_INVALID,
          value,
          "signature by " + keyId + ": expected base64, found '" + value + "'",
          e);
    }
  }
}
