package org.edgeota.manifest;

import static org.edgeota.manifest.Fixtures.CLOCK;

import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * How one verification of a manifest against a trust store ended, for properties that compare
 * outcomes before and after a change to the documents.
 *
 * @param signers the verified key ids, empty on failure
 * @param reason the failure's reason, {@code null} on success
 */
record VerificationOutcome(Set<String> signers, ReasonCode reason) {

  /** Parses {@code json} and verifies it against {@code trust} at the fixtures' clock. */
  static VerificationOutcome of(TrustStore trust, byte[] json) {
    try {
      return new VerificationOutcome(trust.verifyManifest(SignedManifest.parse(json), CLOCK), null);
    } catch (OtaException e) {
      return new VerificationOutcome(Set.of(), e.reason());
    }
  }
}
