package org.edgeota.manifest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-side decision whether a manifest may be installed, in one call.
 *
 * <p>Order of checks: the document is parsed strictly and its signatures are verified against the
 * trust store first; if either fails, the evaluation stops there and nothing else in the manifest
 * is looked at. Then every remaining check runs and each failure is reported: expiry against the
 * injected clock, sequence strictly higher than the highest accepted (anti-rollback), version not
 * lower than the installed one unless the signed manifest says {@code "downgrade": true}, device
 * type listed in {@code targetDeviceTypes}, agent at least {@code minAgentVersion}.
 *
 * <p>Note: an equal version with a higher sequence is accepted (a re-issued build); whether to
 * reinstall it is the agent's choice.
 */
public final class ManifestPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestPolicy.class);

  /** A check after signature verification, which can be selected for partial evaluation. */
  public enum Check {
    /** {@code expires} is after the clock's instant. */
    EXPIRY,
    /** {@code sequence} is higher than the highest accepted one. */
    SEQUENCE,
    /** {@code version} is not lower than the installed one without {@code downgrade}. */
    VERSION,
    /** The device type is one of {@code targetDeviceTypes}. */
    DEVICE_TYPE,
    /** The agent version is at least {@code minAgentVersion}. */
    AGENT_VERSION
  }

  private ManifestPolicy() {}

  /**
   * Evaluates a manifest with every check.
   *
   * @param manifestJson the manifest document as received
   * @param trust the device's trust store
   * @param state the device's state
   * @param clock the clock for expiry
   * @return the result; never throws for a bad manifest
   */
  public static PolicyResult evaluate(
      byte[] manifestJson, TrustStore trust, DeviceState state, Clock clock) {
    return evaluate(manifestJson, trust, state, clock, EnumSet.allOf(Check.class));
  }

  /**
   * Evaluates a manifest with signature verification and a chosen set of the other checks, for
   * tools that lack some device facts (a build server verifying a package). A device uses {@link
   * #evaluate(byte[], TrustStore, DeviceState, Clock)}.
   *
   * @param manifestJson the manifest document as received
   * @param trust the trust store
   * @param state the device's state; fields of unselected checks are ignored
   * @param clock the clock for expiry
   * @param checks the checks to run after signature verification, which always runs
   * @return the result; never throws for a bad manifest
   */
  public static PolicyResult evaluate(
      byte[] manifestJson, TrustStore trust, DeviceState state, Clock clock, Set<Check> checks) {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(clock, "clock");
    SignedManifest manifest;
    Set<String> signers;
    try {
      manifest = SignedManifest.parse(manifestJson);
      signers = trust.verifyManifest(manifest, clock);
    } catch (OtaException e) {
      LOG.warn("Manifest refused before its content was trusted: {}", e.getMessage());
      return new PolicyResult(null, Set.of(), List.of(PolicyFailure.of(e)));
    }
    List<PolicyFailure> failures = check(manifest.release(), state, clock.instant(), checks);
    if (failures.isEmpty()) {
      LOG.info(
          "Manifest {} sequence {} accepted, signed by {}",
          manifest.release().version(),
          manifest.release().sequence(),
          signers);
    } else {
      LOG.warn("Manifest {} refused: {}", manifest.release().version(), failures);
    }
    return new PolicyResult(manifest, signers, failures);
  }

  private static List<PolicyFailure> check(
      Release r, DeviceState state, Instant now, Set<Check> checks) {
    List<PolicyFailure> failures = new ArrayList<>();
    if (checks.contains(Check.EXPIRY) && !now.isBefore(r.expires())) {
      failures.add(
          new PolicyFailure(
              ReasonCode.MANIFEST_EXPIRED,
              r.expires().toString(),
              "manifest field 'expires': expected later than the current time "
                  + now
                  + ", found "
                  + r.expires()));
    }
    if (checks.contains(Check.SEQUENCE) && r.sequence() <= state.highestAcceptedSequence()) {
      failures.add(
          new PolicyFailure(
              ReasonCode.SEQUENCE_NOT_HIGHER,
              Long.toString(r.sequence()),
              "manifest field 'sequence': expected higher than "
                  + state.highestAcceptedSequence()
                  + ", found "
                  + r.sequence()));
    }
    Version installed = state.installedVersion();
    if (checks.contains(Check.VERSION)
        && installed != null
        && r.version().comparePrecedence(installed) < 0
        && !r.downgrade()) {
      failures.add(
          new PolicyFailure(
              ReasonCode.VERSION_DOWNGRADE,
              r.version().toString(),
              "manifest field 'version': expected at least installed "
                  + installed
                  + " or \"downgrade\": true, found "
                  + r.version()
                  + " without downgrade"));
    }
    if (checks.contains(Check.DEVICE_TYPE) && !r.targetDeviceTypes().contains(state.deviceType())) {
      failures.add(
          new PolicyFailure(
              ReasonCode.DEVICE_TYPE_MISMATCH,
              state.deviceType(),
              "manifest field 'targetDeviceTypes': expected to contain '"
                  + state.deviceType()
                  + "', found "
                  + r.targetDeviceTypes()));
    }
    if (checks.contains(Check.AGENT_VERSION)
        && state.agentVersion().comparePrecedence(r.minAgentVersion()) < 0) {
      failures.add(
          new PolicyFailure(
              ReasonCode.AGENT_TOO_OLD,
              state.agentVersion().toString(),
              "manifest field 'minAgentVersion': expected at most this agent's version "
                  + state.agentVersion()
                  + ", found "
                  + r.minAgentVersion()));
    }
    return failures;
  }
}
