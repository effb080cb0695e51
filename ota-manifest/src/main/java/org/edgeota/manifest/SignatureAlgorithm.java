package org.edgeota.manifest;

import java.util.Optional;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.internal.Fields;

/** A signature algorithm a manifest or trust store signature may use. */
public enum SignatureAlgorithm {
  /** Ed25519 (RFC 8032), 64-byte signatures. */
  ED25519("ed25519", "Ed25519"),
  /** ECDSA over NIST P-256 with SHA-256; signatures are DER-encoded. */
  ECDSA_P256_SHA256("ecdsa-p256-sha256", "SHA256withECDSA");

  private final String wireName;
  private final String jcaName;

  SignatureAlgorithm(String wireName, String jcaName) {
    this.wireName = wireName;
    this.jcaName = jcaName;
  }

  /**
   * Returns the name used in manifests and trust stores.
   *
   * @return {@code "ed25519"} or {@code "ecdsa-p256-sha256"}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns the JCA signature algorithm name.
   *
   * @return the name BouncyCastle knows the algorithm by
   */
  public String jcaName() {
    return jcaName;
  }

  /**
   * Returns the algorithm with the given manifest name.
   *
   * @param wireName the name as written in a document
   * @return the algorithm
   * @throws OtaException with {@link ReasonCode#SIGNATURE_INVALID} for an unknown name
   */
  public static SignatureAlgorithm fromWireName(String wireName) {
    return lookup(wireName)
        .orElseThrow(
            () ->
                new OtaException(
                    ReasonCode.SIGNATURE_INVALID,
                    Fields.show(wireName),
                    "signature algorithm: expected 'ed25519' or 'ecdsa-p256-sha256', found '"
                        + Fields.show(wireName)
                        + "'"));
  }

  /**
   * Returns the algorithm with the given manifest name, if this version knows it.
   *
   * @param wireName the name as written in a document, possibly {@code null}
   * @return the algorithm, or empty for a name this version does not know (names are
   *     case-sensitive)
   */
  public static Optional<SignatureAlgorithm> lookup(String wireName) {
    for (SignatureAlgorithm a : values()) {
      if (a.wireName.equals(wireName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the algorithm for a command-line name.
   *
   * @param name {@code ed25519}, {@code p256}, or a wire name, in any case
   * @return the algorithm
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for an unknown name
   */
  public static SignatureAlgorithm fromUserName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
    switch (n) {
      case "ed25519":
        return ED25519;
      case "p256":
      case "p-256":
      case "ecdsa-p256":
      case "ecdsa-p256-sha256":
        return ECDSA_P256_SHA256;
      default:
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            name,
            "algorithm: expected 'ed25519' or 'p256', found '" + name + "'");
    }
  }
}
