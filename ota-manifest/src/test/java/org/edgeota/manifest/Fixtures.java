package org.edgeota.manifest;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.Release;
import org.edgeota.api.Version;

/** Shared keys, releases and clocks for the manifest tests. */
final class Fixtures {
  static final Instant RELEASED = Instant.parse("2026-01-30T10:00:00Z");
  static final Instant EXPIRES = Instant.parse("2026-07-30T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Instant TRUST_EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);
  static final String SHA_C = "c".repeat(64);
  static final String SHA_D = "d".repeat(64);

  static final SigningKey ED_1 = key(SignatureAlgorithm.ED25519, 1);
  static final SigningKey ED_2 = key(SignatureAlgorithm.ED25519, 2);
  static final SigningKey P256_1 = key(SignatureAlgorithm.ECDSA_P256_SHA256, 3);
  static final SigningKey P256_2 = key(SignatureAlgorithm.ECDSA_P256_SHA256, 4);
  static final SigningKey OUTSIDER = key(SignatureAlgorithm.ED25519, 5);

  private Fixtures() {}

  static SigningKey key(SignatureAlgorithm algorithm, long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return SigningKey.generate(algorithm, random);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Release release(String version, long sequence) {
    return new Release(
        Version.parse(version),
        sequence,
        false,
        RELEASED,
        EXPIRES,
        Version.parse("1.2.0"),
        List.of("gateway-v2", "sensor-hub"),
        Version.parse("2.4.0"),
        List.of(
            new Component(
                "firmware",
                Component.TYPE_FIRMWARE,
                "firmware-" + version + ".bin",
                4194304,
                SHA_A,
                1,
                true,
                List.of(
                    new DeltaArtifact(
                        Version.parse("2.4.0"),
                        SHA_B,
                        "firmware-2.4.0-to-" + version + ".bsdiff",
                        123456,
                        SHA_C,
                        "bsdiff"))),
            new Component(
                "application",
                Component.TYPE_APPLICATION,
                "app-" + version + ".tar.gz",
                15728640,
                SHA_D,
                2,
                false,
                List.of())));
  }

  static Release release() {
    return release("2.4.1", 42);
  }

  /** {@code r} with its components replaced by {@code components}. */
  static Release withComponents(Release r, List<Component> components) {
    return new Release(
        r.version(),
        r.sequence(),
        r.downgrade(),
        r.releaseDate(),
        r.expires(),
        r.minAgentVersion(),
        r.targetDeviceTypes(),
        r.rollbackVersion(),
        components);
  }

  /** A trust store of the given keys, signed by all of them. */
  static TrustStore trust(int threshold, SigningKey... keys) {
    return TrustStore.parse(trustDocument(1, threshold, keys).toJson());
  }

  static TrustStoreDocument trustDocument(long version, int threshold, SigningKey... keys) {
    TrustStoreDocument doc =
        TrustStoreDocument.create(
            java.util.Arrays.stream(keys).map(SigningKey::trustedKey).toList(),
            threshold,
            version,
            TRUST_EXPIRES);
    for (SigningKey k : keys) {
      doc = doc.sign(k);
    }
    return doc;
  }

  static SignedManifest signed(Release release, SigningKey... keys) {
    SignedManifest m = SignedManifest.unsigned(release);
    for (SigningKey k : keys) {
      m = ManifestSigner.sign(m, k);
    }
    return m;
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
