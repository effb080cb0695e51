package org.edgeota.manifest;

import java.util.Base64;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Signs manifests with a {@link SigningKey}. */
public final class ManifestSigner {
  private ManifestSigner() {}

  /**
   * Signs a manifest's canonical content and adds the signature.
   *
   * @param manifest the manifest, signed or not
   * @param key the signing key
   * @return the manifest with the new signature; an earlier signature by the same key is replaced
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if the key cannot sign
   */
  public static SignedManifest sign(SignedManifest manifest, SigningKey key) {
    return manifest.withSignature(signature(manifest.canonicalSignedBytes(), key));
  }

  /**
   * Signs canonical bytes.
   *
   * @param canonical the bytes to sign
   * @param key the signing key
   * @return the signature entry
   */
  static ManifestSignature signature(byte[] canonical, SigningKey key) {
    String value = Base64.getEncoder().encodeToString(key.sign(canonical));
    return new ManifestSignature(key.keyId(), key.algorithm(), value);
  }
}
