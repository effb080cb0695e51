package org.edgeota.manifest;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgeota.api.OtaException;
import org.edgeota.api.Release;

/**
 * The outcome of {@link ManifestPolicy#evaluate}: accepted, or the list of failed checks.
 *
 * <p>When the manifest could not be parsed or its signatures did not verify, {@link #manifest()}
 * and {@link #release()} are empty and {@link #failures()} holds exactly that one failure: nothing
 * else in an unverified manifest is trusted or even looked at.
 */
public final class PolicyResult {
  private final SignedManifest manifest;
  private final Set<String> signerKeyIds;
  private final List<PolicyFailure> failures;

  PolicyResult(SignedManifest manifest, Set<String> signerKeyIds, List<PolicyFailure> failures) {
    this.manifest = manifest;
    this.signerKeyIds = Set.copyOf(signerKeyIds);
    this.failures = List.copyOf(failures);
  }

  /**
   * Tells whether every check passed.
   *
   * @return {@code true} if the device may install the release
   */
  public boolean accepted() {
    return failures.isEmpty();
  }

  /**
   * Returns the verified manifest.
   *
   * @return the manifest if its signatures verified (even if a later check failed), else empty
   */
  public Optional<SignedManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /**
   * Returns the verified release.
   *
   * @return the release if the manifest's signatures verified, else empty
   */
  public Optional<Release> release() {
    return manifest().map(SignedManifest::release);
  }

  /**
   * Returns the ids of the trusted keys whose signatures verified.
   *
   * @return the key ids, empty if verification failed
   */
  public Set<String> signerKeyIds() {
    return signerKeyIds;
  }

  /**
   * Returns the failed checks, in the order they were evaluated.
   *
   * @return the failures, empty when accepted
   */
  public List<PolicyFailure> failures() {
    return failures;
  }

  /**
   * Returns the release if accepted.
   *
   * @return the accepted release
   * @throws OtaException with the first failure's reason and a message listing every failure
   */
  public Release orThrow() {
    if (accepted()) {
      return manifest.release();
    }
    PolicyFailure first = failures.get(0);
    String all = failures.stream().map(PolicyFailure::message).collect(Collectors.joining("; "));
    throw new OtaException(first.reason(), first.value(), "manifest refused: " + all);
  }

  /** Returns the decision and failure reasons, for logs. */
  @Override
  public String toString() {
    return accepted()
        ? "PolicyResult[accepted, signers=" + signerKeyIds + "]"
        : "PolicyResult[refused, "
            + failures.stream().map(f -> f.reason() + "=" + f.value()).toList()
            + "]";
  }
}
