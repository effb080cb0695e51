package org.edgeota.rollout;

import org.edgeota.api.Release;

/**
 * Verifies a signed release manifest against the controller's trust store before the controller
 * accepts the release.
 *
 * <p>An implementation must fail closed: anything it cannot positively verify is an exception,
 * never a result.
 */
@FunctionalInterface
public interface ReleaseVerifier {

  /**
   * Verifies a signed manifest and returns its content.
   *
   * @param signedManifest the manifest bytes exactly as signed
   * @return the verified content
   * @throws org.edgeota.api.OtaException with a signature, trust-store or manifest reason code when
   *     the manifest does not verify or is malformed
   */
  Release verify(byte[] signedManifest);
}
