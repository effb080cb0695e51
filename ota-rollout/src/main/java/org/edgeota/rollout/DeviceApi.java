package org.edgeota.rollout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.edgeota.api.DeviceInfo;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.rollout.internal.Tokens;

/**
 * The device protocol's handler, independent of any transport: check-in, status reports and the
 * authorisation of artifact downloads. Every call authenticates the device by its bearer token.
 *
 * <p>A check-in refreshes what the controller knows about the device and answers with the manifest
 * and artifact URLs of the release assigned to it, or with nothing. Only a change of the device's
 * type, tags or versions is written at once; the last-seen time of an unchanged device is buffered
 * and written by the engine's next tick, so a read-only check-in does not wait for an fsync.
 */
public final class DeviceApi {
  private static final String DOWNLOAD_PATH = "/api/v1/updates/download/";
  private static final int MAX_ID = 256;
  private static final int MAX_TAGS = 64;

  private final RolloutEngine engine;
  private final String artifactBaseUrl;
  private final long pollIntervalSeconds;

  /**
   * Creates the handler.
   *
   * @param engine the engine
   * @param artifactBaseUrl the controller's external base URL, for example {@code
   *     https://updates.example.com}; artifact URLs are {@code base + /api/v1/updates/download/ +
   *     file}
   * @param pollInterval how long devices wait between check-ins
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a base URL that is not
   *     http(s) or a poll interval that is not positive
   */
  public DeviceApi(RolloutEngine engine, String artifactBaseUrl, Duration pollInterval) {
    this.engine = Objects.requireNonNull(engine, "engine");
    if (artifactBaseUrl == null
        || !(artifactBaseUrl.startsWith("http://") || artifactBaseUrl.startsWith("https://"))) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          artifactBaseUrl,
          "artifactBaseUrl: expected an http:// or https:// URL, found " + artifactBaseUrl);
    }
    this.artifactBaseUrl =
        artifactBaseUrl.endsWith("/")
            ? artifactBaseUrl.substring(0, artifactBaseUrl.length() - 1)
            : artifactBaseUrl;
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(pollInterval),
          "pollInterval: expected a positive duration, found " + pollInterval);
    }
    this.pollIntervalSeconds = Math.max(1, pollInterval.toSeconds());
  }

  /**
   * Handles a check-in ({@code POST /api/v1/updates/check}).
   *
   * @param bearerToken the device's token
   * @param request what the device says about itself
   * @return the assigned release's manifest and artifact URLs, or no update
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} when the token does not belong to the
   *     device (unknown devices get the same answer), {@link ReasonCode#INVALID_ARGUMENT} for more
   *     than 64 tags or a type, tag key or value over 256 characters
   */
  public CheckResponse checkIn(String bearerToken, CheckRequest request) {
    DeviceInfo info = request.device();
    DeviceRecord device = authenticate(bearerToken, info.deviceId());
    limit("deviceType", info.deviceType(), MAX_ID);
    if (info.tags().size() > MAX_TAGS) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Integer.toString(info.tags().size()),
          "tags: expected at most " + MAX_TAGS + " entries, found " + info.tags().size());
    }
    info.tags()
        .forEach(
            (k, v) -> {
              limit("tags key", k, MAX_ID);
              limit("tags['" + k + "']", v, MAX_ID);
            });
    if (changed(device, info)) {
      engine.store().updateDeviceInfo(info, engine.now());
      device =
          new DeviceRecord(
              device.deviceId(),
              device.tokenHash(),
              info.deviceType(),
              info.tags(),
              info.installedVersion(),
              info.agentVersion(),
              device.lastState(),
              device.lastStateAt(),
              device.registeredAt(),
              engine.now());
    } else {
      engine.noteSeen(device.deviceId());
    }
    Optional<Offer> offer = engine.offer(device, request.installedSequence(), true);
    if (offer.isEmpty()) {
      return CheckResponse.noUpdate(pollIntervalSeconds);
    }
    Map<String, String> urls = new LinkedHashMap<>();
    for (String file : offer.get().release().files()) {
      urls.put(
          file, artifactBaseUrl + DOWNLOAD_PATH + URLEncoder.encode(file, StandardCharsets.UTF_8));
    }
    return new CheckResponse(
        true, offer.get().rolloutId(), offer.get().release().manifest(), urls, pollIntervalSeconds);
  }

  /**
   * Handles a status report ({@code POST /api/v1/updates/status}); the report is durable when this
   * returns.
   *
   * @param bearerToken the device's token
   * @param report the report
   * @return the acknowledgement ({@code duplicate} when the report id was counted before)
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} when the token does not belong to the
   *     reporting device, {@link ReasonCode#INVALID_ARGUMENT} for an id, version or reason over 256
   *     characters, {@link ReasonCode#CONFLICT} naming the report id when that id was stored with
   *     another body (the first stays counted)
   */
  public StatusAck status(String bearerToken, StatusReport report) {
    authenticate(bearerToken, report.deviceId());
    limit("reportId", report.reportId(), MAX_ID);
    limit("rolloutId", report.rolloutId(), MAX_ID);
    limit("version", report.version(), MAX_ID);
    limit("reason", report.reason(), MAX_ID);
    return engine.ingest(report);
  }

  /**
   * Tells whether a device may download a file: only a file of the release currently offered to it,
   * and only while that offer stands (not while its rollout is paused or aborted).
   *
   * @param bearerToken the device's token
   * @param deviceId the device
   * @param file the requested file name
   * @return whether the download is allowed
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} when the token does not belong to the
   *     device
   */
  public boolean mayDownload(String bearerToken, String deviceId, String file) {
    return artifact(bearerToken, deviceId, file).isPresent();
  }

  /**
   * Returns the path of a file the device may download ({@code GET
   * /api/v1/updates/download/{file}}).
   *
   * @param bearerToken the device's token
   * @param deviceId the device
   * @param file the requested file name
   * @return the file on the controller, or empty when the device may not download it
   * @throws OtaException with {@link ReasonCode#UNAUTHORIZED} when the token does not belong to the
   *     device
   */
  public Optional<Path> artifact(String bearerToken, String deviceId, String file) {
    DeviceRecord device = authenticate(bearerToken, deviceId);
    Optional<Offer> offer = engine.offer(device, false);
    if (offer.isEmpty() || !offer.get().release().files().contains(file)) {
      return Optional.empty();
    }
    return Optional.of(offer.get().release().artifactDirectory().resolve(file));
  }

  private static void limit(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          value.substring(0, 32) + "...",
          field + ": expected at most " + max + " characters, found " + value.length());
    }
  }

  private DeviceRecord authenticate(String bearerToken, String deviceId) {
    Optional<DeviceRecord> device =
        deviceId == null ? Optional.empty() : engine.store().device(deviceId);
    if (device.isEmpty() || !Tokens.matches(bearerToken, device.get().tokenHash())) {
      throw new OtaException(
          ReasonCode.UNAUTHORIZED,
          deviceId,
          "device '" + deviceId + "': expected the device's valid token, found none or another");
    }
    return device.get();
  }

  private static boolean changed(DeviceRecord d, DeviceInfo info) {
    return !info.deviceType().equals(d.deviceType())
        || !info.tags().equals(d.tags())
        || !info.installedVersion().equals(d.installedVersion())
        || !info.agentVersion().equals(d.agentVersion());
  }
}
