package org.edgeota.rollout;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.rollout.internal.Tokens;

/**
 * The administration handler, independent of any transport: releases, devices and rollouts. Every
 * call presents the admin token; the handler keeps only the token's hash.
 */
public final class AdminApi {
  private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final RolloutEngine engine;
  private final String adminTokenHash;
  private final SecureRandom random;

  /**
   * Creates the handler.
   *
   * @param engine the engine
   * @param adminToken the admin token, at least 16 characters
   * @param random the source of device tokens
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the admin token is too short
   */
  public AdminApi(RolloutEngine engine, String adminToken, SecureRandom random) {
    this.engine = Objects.requireNonNull(engine, "engine");
    if (adminToken == null || adminToken.length() < 16) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          null,
          "adminToken: expected at least 16 characters, found "
              + (adminToken == null ? "none" : adminToken.length()));
    }
    this.adminTokenHash = Tokens.hash(adminToken);
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Adds a release directory ({@code manifest.json} and its files); accepted only if it verifies.
   *
   * @param token the admin token
   * @param releaseDirectory the directory
   * @return the accepted release
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#addRelease(Path)} does
   */
  public ReleaseRecord addRelease(String token, Path releaseDirectory) {
    authorize(token);
    return engine.addRelease(releaseDirectory);
  }

  /**
   * Adds a release given as manifest bytes and an artifact directory; accepted only if it verifies.
   *
   * @param token the admin token
   * @param signedManifest the manifest exactly as signed
   * @param artifactDirectory the directory holding its files
   * @return the accepted release
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#addRelease(byte[], Path)} does
   */
  public ReleaseRecord addRelease(String token, byte[] signedManifest, Path artifactDirectory) {
    authorize(token);
    return engine.addRelease(signedManifest, artifactDirectory);
  }

  /**
   * Lists the accepted releases.
   *
   * @param token the admin token
   * @return the releases by sequence
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token
   */
  public List<ReleaseRecord> releases(String token) {
    authorize(token);
    return engine.store().releases();
  }

  /**
   * Registers a device and returns its new token; only the token's hash is stored, so this is the
   * only time the token can be read.
   *
   * @param token the admin token
   * @param deviceId the device id (1 to 128 of {@code [A-Za-z0-9._:-]})
   * @return the device's bearer token
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, {@link
   *     ReasonCode#INVALID_ARGUMENT} for a bad id, {@link ReasonCode#CONFLICT} when registered
   */
  public String registerDevice(String token, String deviceId) {
    authorize(token);
    if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          deviceId,
          "deviceId: expected 1 to 128 characters of [A-Za-z0-9._:-], found " + deviceId);
    }
    String deviceToken = Tokens.generate(random);
    engine.store().registerDevice(deviceId, Tokens.hash(deviceToken), engine.now());
    return deviceToken;
  }

  /**
   * Lists the devices.
   *
   * @param token the admin token
   * @return the devices by id
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token
   */
  public List<DeviceRecord> devices(String token) {
    authorize(token);
    return engine.store().devices();
  }

  /**
   * Creates a rollout.
   *
   * @param token the admin token
   * @param spec the definition
   * @return the created rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#create} does
   */
  public Rollout createRollout(String token, RolloutSpec spec) {
    authorize(token);
    return engine.create(spec);
  }

  /**
   * Starts a rollout.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#start} does
   */
  public Rollout start(String token, String rolloutId) {
    authorize(token);
    return engine.start(rolloutId);
  }

  /**
   * Pauses a rollout.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @param reason why
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#pause} does
   */
  public Rollout pause(String token, String rolloutId, String reason) {
    authorize(token);
    return engine.pause(rolloutId, reason);
  }

  /**
   * Resumes a rollout.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#resume} does
   */
  public Rollout resume(String token, String rolloutId) {
    authorize(token);
    return engine.resume(rolloutId);
  }

  /**
   * Aborts a rollout.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @param reason why
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#abort} does
   */
  public Rollout abort(String token, String rolloutId, String reason) {
    authorize(token);
    return engine.abort(rolloutId, reason);
  }

  /**
   * Advances a rollout by hand (the error check still runs first).
   *
   * @param token the admin token
   * @param rolloutId the id
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#advance} does
   */
  public Rollout advance(String token, String rolloutId) {
    authorize(token);
    return engine.advance(rolloutId);
  }

  /**
   * Rolls the fleet back.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @param rollbackRelease the signed downgrade release, or {@code null} for the rollout's own
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#rollback} does
   */
  public Rollout rollback(String token, String rolloutId, Version rollbackRelease) {
    authorize(token);
    return engine.rollback(rolloutId, rollbackRelease);
  }

  /**
   * Cancels a rollout for one device.
   *
   * @param token the admin token
   * @param rolloutId the rollout
   * @param deviceId the device
   * @return whether the device had been assigned
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, and as {@link
   *     RolloutEngine#cancelForDevice} does
   */
  public boolean cancelForDevice(String token, String rolloutId, String deviceId) {
    authorize(token);
    return engine.cancelForDevice(rolloutId, deviceId);
  }

  /**
   * Lists the rollouts.
   *
   * @param token the admin token
   * @return the rollouts by creation time
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token
   */
  public List<Rollout> rollouts(String token) {
    authorize(token);
    return engine.store().rollouts();
  }

  /**
   * Returns one rollout.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @return the rollout
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token, {@link
   *     ReasonCode#ROLLOUT_NOT_FOUND} when unknown
   */
  public Rollout rollout(String token, String rolloutId) {
    authorize(token);
    return engine.rollout(rolloutId);
  }

  /**
   * Returns a rollout's transition history.
   *
   * @param token the admin token
   * @param rolloutId the id
   * @return one entry per revision
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} for a wrong token
   */
  public List<RolloutEvent> history(String token, String rolloutId) {
    authorize(token);
    return engine.store().history(rolloutId);
  }

  private void authorize(String token) {
    if (!Tokens.matches(token, adminTokenHash)) {
      throw new OtaException(
          ReasonCode.UNAUTHORIZED,
          null,
          "admin call: expected the admin token, found none or another");
    }
  }
}
