package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.ED_2;
import static org.edgeota.manifest.Fixtures.OUTSIDER;
import static org.edgeota.manifest.Fixtures.release;
import static org.edgeota.manifest.Fixtures.signed;
import static org.edgeota.manifest.Fixtures.trust;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;
import org.junit.jupiter.api.Test;

/** The device-side policy: each check, and that nothing is trusted before the signatures. */
class ManifestPolicyTest {
  private static final TrustStore TRUST = trust(1, ED_1, ED_2);
  private static final DeviceState DEVICE =
      new DeviceState(Version.parse("2.4.0"), 41, "gateway-v2", Version.parse("1.3.0"));

  private static PolicyResult evaluate(Release release, DeviceState state, Clock clock) {
    return ManifestPolicy.evaluate(signed(release, ED_1).toJson(), TRUST, state, clock);
  }

  private static Release withVersion(String version, long sequence, boolean downgrade) {
    Release r = release(version, sequence);
    return new Release(
        r.version(),
        r.sequence(),
        downgrade,
        r.releaseDate(),
        r.expires(),
        r.minAgentVersion(),
        r.targetDeviceTypes(),
        r.rollbackVersion(),
        r.components());
  }

  private static List<ReasonCode> reasons(PolicyResult result) {
    return result.failures().stream().map(PolicyFailure::reason).toList();
  }

  @Test
  void evaluate_validNewerRelease_acceptedWithSigners() {
    PolicyResult result = evaluate(release(), DEVICE, CLOCK);

    assertThat(result.accepted()).isTrue();
    assertThat(result.signerKeyIds()).containsExactly(ED_1.keyId());
    assertThat(result.orThrow()).isEqualTo(release());
  }

  @Test
  void evaluate_expiredManifest_refusedWithManifestExpired() {
    Clock late = Clock.fixed(Instant.parse("2026-08-01T00:00:00Z"), ZoneOffset.UTC);

    PolicyResult result = evaluate(release(), DEVICE, late);

    assertThat(reasons(result)).containsExactly(ReasonCode.MANIFEST_EXPIRED);
    assertThat(result.failures().get(0).value()).isEqualTo("2026-07-30T10:00:00Z");
  }

  @Test
  void evaluate_atExactExpiry_refused() {
    Clock atExpiry = Clock.fixed(Fixtures.EXPIRES, ZoneOffset.UTC);

    PolicyResult result = evaluate(release(), DEVICE, atExpiry);

    assertThat(reasons(result)).containsExactly(ReasonCode.MANIFEST_EXPIRED);
  }

  @Test
  void evaluate_sequenceEqualToHighestAccepted_refusedWithSequenceNotHigher() {
    DeviceState state =
        new DeviceState(DEVICE.installedVersion(), 42, "gateway-v2", DEVICE.agentVersion());

    PolicyResult result = evaluate(release(), state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.SEQUENCE_NOT_HIGHER);
    assertThat(result.failures().get(0).value()).isEqualTo("42");
  }

  @Test
  void evaluate_sequenceLower_refusedWithSequenceNotHigher() {
    DeviceState state = new DeviceState(null, 100, "gateway-v2", DEVICE.agentVersion());

    PolicyResult result = evaluate(release(), state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.SEQUENCE_NOT_HIGHER);
  }

  @Test
  void evaluate_olderVersionWithoutDowngradeFlag_refusedWithVersionDowngrade() {
    PolicyResult result = evaluate(withVersion("2.3.9", 50, false), DEVICE, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.VERSION_DOWNGRADE);
    assertThat(result.failures().get(0).value()).isEqualTo("2.3.9");
  }

  @Test
  void evaluate_olderVersionComparedByPrecedenceNotText_refused() {
    DeviceState state =
        new DeviceState(Version.parse("2.10.0"), 41, "gateway-v2", DEVICE.agentVersion());

    PolicyResult result = evaluate(withVersion("2.9.0", 50, false), state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.VERSION_DOWNGRADE);
  }

  @Test
  void evaluate_olderVersionWithSignedDowngradeAndHigherSequence_accepted() {
    PolicyResult result = evaluate(withVersion("2.3.9", 50, true), DEVICE, CLOCK);

    assertThat(result.accepted()).isTrue();
  }

  @Test
  void evaluate_signedDowngradeWithOldSequence_refusedWithSequenceNotHigher() {
    PolicyResult result = evaluate(withVersion("2.3.9", 40, true), DEVICE, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.SEQUENCE_NOT_HIGHER);
  }

  @Test
  void evaluate_wrongDeviceType_refusedWithDeviceTypeMismatch() {
    DeviceState state =
        new DeviceState(DEVICE.installedVersion(), 41, "camera-v1", DEVICE.agentVersion());

    PolicyResult result = evaluate(release(), state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.DEVICE_TYPE_MISMATCH);
    assertThat(result.failures().get(0).value()).isEqualTo("camera-v1");
  }

  @Test
  void evaluate_agentOlderThanMinimum_refusedWithAgentTooOld() {
    DeviceState state =
        new DeviceState(DEVICE.installedVersion(), 41, "gateway-v2", Version.parse("1.1.9"));

    PolicyResult result = evaluate(release(), state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.AGENT_TOO_OLD);
    assertThat(result.failures().get(0).value()).isEqualTo("1.1.9");
  }

  @Test
  void evaluate_severalChecksFail_reportsEachReason() {
    DeviceState state =
        new DeviceState(Version.parse("9.0.0"), 99, "camera-v1", Version.parse("0.1.0"));
    Clock late = Clock.fixed(Instant.parse("2026-08-01T00:00:00Z"), ZoneOffset.UTC);

    PolicyResult result = evaluate(release(), state, late);

    assertThat(reasons(result))
        .containsExactly(
            ReasonCode.MANIFEST_EXPIRED,
            ReasonCode.SEQUENCE_NOT_HIGHER,
            ReasonCode.VERSION_DOWNGRADE,
            ReasonCode.DEVICE_TYPE_MISMATCH,
            ReasonCode.AGENT_TOO_OLD);
    assertThatThrownBy(result::orThrow)
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("sequence")
        .hasMessageContaining("targetDeviceTypes");
  }

  @Test
  void evaluate_untrustedSigner_onlySignatureFailureAndNoRelease() {
    DeviceState state =
        new DeviceState(Version.parse("9.0.0"), 99, "camera-v1", Version.parse("0.1.0"));
    byte[] json = signed(release(), OUTSIDER).toJson();

    PolicyResult result = ManifestPolicy.evaluate(json, TRUST, state, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.KEY_UNKNOWN);
    assertThat(result.release()).isEmpty();
    assertThat(result.manifest()).isEmpty();
    assertThat(result.signerKeyIds()).isEmpty();
  }

  @Test
  void evaluate_unsignedManifest_refusedWithSignatureMissing() {
    byte[] json = SignedManifest.unsigned(release()).toJson();

    PolicyResult result = ManifestPolicy.evaluate(json, TRUST, DEVICE, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.SIGNATURE_MISSING);
    assertThatThrownBy(result::orThrow)
        .isInstanceOf(OtaException.class)
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.SIGNATURE_MISSING));
  }

  @Test
  void evaluate_malformedDocument_refusedWithoutThrowing() {
    PolicyResult result =
        ManifestPolicy.evaluate("{\"a\":1,\"a\":1}".getBytes(), TRUST, DEVICE, CLOCK);

    assertThat(reasons(result)).containsExactly(ReasonCode.MANIFEST_MALFORMED);
  }

  @Test
  void evaluate_nothingInstalledYet_acceptsAnyVersion() {
    DeviceState fresh = new DeviceState(null, 0, "sensor-hub", Version.parse("1.2.0"));

    PolicyResult result = evaluate(withVersion("0.0.1", 1, false), fresh, CLOCK);

    assertThat(result.accepted()).isTrue();
  }

  @Test
  void evaluate_selectedChecksOnly_skipsOthersButStillVerifiesSignatures() {
    DeviceState unknown = new DeviceState(null, 0, "unknown", Version.parse("0.0.0"));

    PolicyResult ok =
        ManifestPolicy.evaluate(
            signed(release(), ED_1).toJson(),
            TRUST,
            unknown,
            CLOCK,
            EnumSet.of(ManifestPolicy.Check.EXPIRY));
    PolicyResult bad =
        ManifestPolicy.evaluate(
            signed(release(), OUTSIDER).toJson(),
            TRUST,
            unknown,
            CLOCK,
            EnumSet.noneOf(ManifestPolicy.Check.class));

    assertThat(ok.accepted()).isTrue();
    assertThat(reasons(bad)).containsExactly(ReasonCode.KEY_UNKNOWN);
  }

  /**
   * Regression: a negative highest accepted sequence (for example a corrupted persisted counter, or
   * {@code ota verify --installed-sequence -5}) was taken as "nothing accepted yet" instead of
   * being refused as invalid device state.
   */
  @Test
  void deviceState_negativeSequence_throwsInvalidArgumentNamingValue() {
    Version agent = DEVICE.agentVersion();

    assertThatThrownBy(() -> new DeviceState(null, -5, "gateway-v2", agent))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("-5")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
  }

  /**
   * Regression: a refusal named its reason twice, "SIGNATURE_INVALID: manifest refused:
   * SIGNATURE_INVALID: manifest: ...", because the failure kept the exception's full message,
   * reason prefix included, and orThrow put the reason in front again.
   */
  @Test
  void orThrow_untrustedSigner_namesReasonOnce() {
    byte[] json = signed(release(), OUTSIDER).toJson();

    PolicyResult result = ManifestPolicy.evaluate(json, TRUST, DEVICE, CLOCK);

    assertThatThrownBy(result::orThrow)
        .isInstanceOf(OtaException.class)
        .satisfies(
            e -> {
              String reason = ((OtaException) e).reason().name();
              assertThat(e.getMessage()).startsWith(reason + ": manifest refused: ");
              assertThat(e.getMessage().split(reason, -1)).hasSize(2);
            });
  }
}
