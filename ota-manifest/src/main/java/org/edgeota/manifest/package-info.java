/**
 * Signed release manifests: the strict parser ({@link org.edgeota.manifest.SignedManifest}), the
 * RFC 8785 canonical form ({@link org.edgeota.manifest.Jcs}), Ed25519 and ECDSA P-256 keys ({@link
 * org.edgeota.manifest.SigningKey}, {@link org.edgeota.manifest.PublicKeys}), signing ({@link
 * org.edgeota.manifest.ManifestSigner}), trust stores with threshold signatures and rotation
 * ({@link org.edgeota.manifest.TrustStore}), the device-side policy ({@link
 * org.edgeota.manifest.ManifestPolicy}) and release directories ({@link
 * org.edgeota.manifest.ReleasePackage}).
 */
package org.edgeota.manifest;
