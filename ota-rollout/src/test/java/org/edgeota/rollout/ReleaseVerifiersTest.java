package org.edgeota.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStore;
import org.edgeota.manifest.TrustStoreDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Releases signed with the manifest module's real keys, verified against a real trust store. */
class ReleaseVerifiersTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(NOW);

  private static SigningKey key(long seed) throws NoSuchAlgorithmException {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return SigningKey.generate(SignatureAlgorithm.ED25519, random);
  }

  private static TrustStore trust(SigningKey key) {
    TrustStoreDocument doc =
        TrustStoreDocument.create(
                List.of(key.trustedKey()), 1, 1, Instant.parse("2030-01-01T00:00:00Z"))
            .sign(key);
    return TrustStore.parse(doc.toJson());
  }

  private Path release(SigningKey signer, Instant expires) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("rel-" + signer.keyId().substring(0, 8)));
    byte[] payload = "image".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("fw.img"), payload);
    Release release =
        new Release(
            Version.parse("2.0.0"),
            7,
            false,
            NOW.minusSeconds(60),
            expires,
            Version.parse("1.0.0"),
            List.of("gw"),
            null,
            List.of(
                new Component(
                    "fw",
                    Component.TYPE_FIRMWARE,
                    "fw.img",
                    payload.length,
                    TestReleases.sha256(payload),
                    1,
                    true,
                    List.of())));
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), signer);
    Files.write(dir.resolve("manifest.json"), signed.toJson());
    return dir;
  }

  @Test
  void addRelease_signedByTrustedKey_isAcceptedWithManifestBytesKept() throws Exception {
    SigningKey key = key(1);
    RolloutEngine engine =
        new RolloutEngine(
            RolloutStores.inMemory(), clock, ReleaseVerifiers.trustStore(trust(key), clock));
    Path dir = release(key, NOW.plusSeconds(86_400));

    ReleaseRecord record = engine.addRelease(dir);

    assertThat(record.version()).isEqualTo(Version.parse("2.0.0"));
    assertThat(record.files()).containsExactly("fw.img");
    assertThat(record.manifest())
        .isEqualTo(Files.readString(dir.resolve("manifest.json"), StandardCharsets.UTF_8));
  }

  @Test
  void addRelease_signedByUntrustedKey_isRejected() throws Exception {
    RolloutEngine engine =
        new RolloutEngine(
            RolloutStores.inMemory(), clock, ReleaseVerifiers.trustStore(trust(key(1)), clock));
    Path dir = release(key(2), NOW.plusSeconds(86_400));

    assertThatThrownBy(() -> engine.addRelease(dir))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isIn(ReasonCode.KEY_UNKNOWN, ReasonCode.SIGNATURE_INVALID);
    assertThat(engine.store().releases()).isEmpty();
  }

  @Test
  void addRelease_expiredManifest_isRejected() throws Exception {
    SigningKey key = key(1);
    RolloutEngine engine =
        new RolloutEngine(
            RolloutStores.inMemory(), clock, ReleaseVerifiers.trustStore(trust(key), clock));
    Path dir = release(key, NOW.plusSeconds(10));
    clock.advance(java.time.Duration.ofSeconds(10));

    assertThatThrownBy(() -> engine.addRelease(dir))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.MANIFEST_EXPIRED);
  }

  @Test
  void addRelease_withoutVerifier_failsClosed() throws Exception {
    RolloutEngine engine = new RolloutEngine(RolloutStores.inMemory(), clock);
    Path dir = release(key(1), NOW.plusSeconds(86_400));

    assertThatThrownBy(() -> engine.addRelease(dir))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.RELEASE_REJECTED);
  }
}
