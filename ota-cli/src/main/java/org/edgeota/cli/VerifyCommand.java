package org.edgeota.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;
import org.edgeota.manifest.DeviceState;
import org.edgeota.manifest.ManifestPolicy;
import org.edgeota.manifest.PolicyResult;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ota verify}: checks a release as a device would. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a release directory: the manifest's signatures against the trust store (a"
          + " threshold of distinct trusted keys), its expiry, then every payload's size and"
          + " SHA-256.",
      "The device checks run only for the device facts given: --installed-sequence"
          + " (anti-rollback), --installed-version (no downgrade without the signed flag),"
          + " --device-type, --agent-version.",
      "Exit status: 0 ok, 2 invalid input (malformed manifest or trust store), 3 verification"
          + " failed (the message names the reason and the value; an expired trust store"
          + " included), 4 I/O failure."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store.")
  Path trust;

  @Option(names = "--installed-version", paramLabel = "V", description = "Device's version.")
  String installedVersion;

  @Option(
      names = "--installed-sequence",
      paramLabel = "N",
      description = "Highest sequence the device accepted.")
  Long installedSequence;

  @Option(names = "--device-type", paramLabel = "T", description = "Device's type.")
  String deviceType;

  @Option(names = "--agent-version", paramLabel = "V", description = "Device's agent version.")
  String agentVersion;

  @Option(
      names = "--now",
      paramLabel = "INSTANT",
      description = "Check expiry as of this UTC instant (default: now).")
  String now;

  @Parameters(index = "0", paramLabel = "DIR", description = "The release directory.")
  Path dir;

  @Override
  public Integer call() {
    Clock clock = CliSupport.clock(now);
    TrustStore store = TrustStore.read(trust);
    EnumSet<ManifestPolicy.Check> checks = EnumSet.of(ManifestPolicy.Check.EXPIRY);
    if (installedSequence != null) {
      checks.add(ManifestPolicy.Check.SEQUENCE);
    }
    if (installedVersion != null) {
      checks.add(ManifestPolicy.Check.VERSION);
    }
    if (deviceType != null) {
      checks.add(ManifestPolicy.Check.DEVICE_TYPE);
    }
    if (agentVersion != null) {
      checks.add(ManifestPolicy.Check.AGENT_VERSION);
    }
    DeviceState state =
        new DeviceState(
            installedVersion == null ? null : Version.parse(installedVersion),
            installedSequence == null ? 0 : installedSequence,
            deviceType == null ? "" : deviceType,
            agentVersion == null ? Version.of(0, 0, 0) : Version.parse(agentVersion));
    byte[] json = ReleasePackage.readManifestBytes(dir);

    PolicyResult result = ManifestPolicy.evaluate(json, store, state, clock, checks);
    Release release;
    try {
      release = result.orThrow();
    } catch (OtaException e) {
      if (e.reason() != ReasonCode.TRUST_STORE_INVALID) {
        throw e;
      }
      // The store was parsed and its signatures checked by read() above, so the policy can only
      // refuse it for having expired: a failed verification (as an expired manifest is), not a
      // malformed input.
      spec.commandLine().getErr().println("ota: " + e.getMessage());
      return OtaCli.EXIT_VERIFICATION_FAILED;
    }
    ReleasePackage.verifyPayloads(dir, result.manifest().orElseThrow());

    spec.commandLine()
        .getOut()
        .printf(
            "OK %s: version %s, sequence %d, signed by %s, %d component(s) verified%n",
            dir,
            release.version(),
            release.sequence(),
            result.signerKeyIds(),
            release.components().size());
    return OtaCli.EXIT_OK;
  }
}
