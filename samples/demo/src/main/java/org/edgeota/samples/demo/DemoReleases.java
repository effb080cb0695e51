package org.edgeota.samples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.edgeota.api.Component;
import org.edgeota.api.Version;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.delta.DeltaResult;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStoreDocument;

/**
 * The build server of the demo: signing keys, the trust store, and the three signed releases.
 *
 * <p>Two keys (Ed25519 and ECDSA P-256) with threshold 2: every manifest carries both signatures.
 */
final class DemoReleases {
  /** The device type every release targets. */
  static final String DEVICE_TYPE = "sensor-gateway";

  private final Clock clock;
  private final SigningKey ed25519 = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey p256 = SigningKey.generate(SignatureAlgorithm.ECDSA_P256_SHA256);

  DemoReleases(Clock clock) {
    this.clock = clock;
  }

  /** Writes the keys (private keys next to public ones) and the signed trust store. */
  Path writeKeysAndTrustStore(Path keysDir) throws IOException {
    Files.createDirectories(keysDir);
    ed25519.writePem(
        keysDir.resolve("release-ed25519.key"), keysDir.resolve("release-ed25519.pub"));
    p256.writePem(keysDir.resolve("release-p256.key"), keysDir.resolve("release-p256.pub"));
    TrustStoreDocument doc =
        TrustStoreDocument.create(
                List.of(ed25519.trustedKey(), p256.trustedKey()),
                2,
                1,
                clock.instant().plus(Duration.ofDays(3650)))
            .sign(ed25519)
            .sign(p256);
    Path trustStore = keysDir.resolve("trust-store.json");
    Files.write(trustStore, doc.toJson());
    return trustStore;
  }

  /** A built release: its directory and signed manifest. */
  record Built(Version version, Path dir, SignedManifest manifest, long deltaSize) {}

  /**
   * Packs and signs one release.
   *
   * @param version the version
   * @param sequence the anti-rollback sequence
   * @param payloads the payloads built by {@link DemoImages}
   * @param deltaBase the previous release's root file system and version for a delta, or null
   * @param outDir the release directory
   */
  Built pack(
      String version,
      long sequence,
      DemoImages.Payloads payloads,
      DemoImages.Payloads deltaBase,
      String deltaBaseVersion,
      Path outDir,
      Path scratch)
      throws IOException {
    Instant now = clock.instant();
    ReleasePackage.Builder b =
        ReleasePackage.builder(clock)
            .version(Version.parse(version))
            .sequence(sequence)
            .releaseDate(now)
            .expires(now.plus(Duration.ofDays(365)))
            .minAgentVersion(Version.of(0, 1, 0))
            .deviceType(DEVICE_TYPE)
            .component("rootfs", Component.TYPE_FIRMWARE, payloads.rootfs(), 1, true)
            .component("edge-app", Component.TYPE_APPLICATION, payloads.app(), 2, false)
            .component("edge-config", Component.TYPE_CONFIG, payloads.config(), 3, false);
    long deltaSize = -1;
    if (deltaBase != null) {
      Path patch = scratch.resolve("rootfs-" + deltaBaseVersion + "-to-" + version + ".bsdiff");
      DeltaResult d =
          DeltaGenerator.withDefaults().diff(deltaBase.rootfs(), payloads.rootfs(), patch);
      if (d.created()) {
        b.delta(
            "rootfs",
            Version.parse(deltaBaseVersion),
            ReleasePackage.sha256(deltaBase.rootfs()),
            patch);
        deltaSize = d.patchSize();
      }
    }
    SignedManifest unsigned = b.pack(outDir);
    SignedManifest signed = ManifestSigner.sign(ManifestSigner.sign(unsigned, ed25519), p256);
    ReleasePackage.writeManifest(outDir, signed);
    return new Built(Version.parse(version), outDir, signed, deltaSize);
  }
}
