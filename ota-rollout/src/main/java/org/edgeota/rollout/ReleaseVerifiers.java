package org.edgeota.rollout;

import java.time.Clock;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.TrustStore;

/** Named factories for {@link ReleaseVerifier}s. */
public final class ReleaseVerifiers {
  private ReleaseVerifiers() {}

  /**
   * Returns a verifier that parses a manifest strictly, verifies its signatures against a trust
   * store (threshold of distinct trusted keys) and refuses a release that has already expired.
   *
   * @param trustStore the controller's trust store
   * @param clock the clock expiry is checked against
   * @return the verifier
   */
  public static ReleaseVerifier trustStore(TrustStore trustStore, Clock clock) {
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(clock, "clock");
    return bytes -> {
      SignedManifest manifest = SignedManifest.parse(bytes);
      trustStore.verifyManifest(manifest, clock);
      Release release = manifest.release();
      if (!release.expires().isAfter(clock.instant())) {
        throw new OtaException(
            ReasonCode.MANIFEST_EXPIRED,
            release.expires().toString(),
            "manifest 'expires': expected a future instant, found "
                + release.expires()
                + " at "
                + clock.instant());
      }
      return release;
    };
  }
}
