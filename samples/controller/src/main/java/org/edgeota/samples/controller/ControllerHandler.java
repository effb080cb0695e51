package org.edgeota.samples.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.WireJson;
import org.edgeota.rollout.AdminApi;
import org.edgeota.rollout.ControllerMetrics;
import org.edgeota.rollout.DeviceApi;
import org.edgeota.rollout.DeviceRecord;
import org.edgeota.rollout.ReleaseRecord;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutEngine;
import org.edgeota.rollout.RolloutJson;
import org.edgeota.rollout.RolloutSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the controller's HTTP requests to the transport-neutral handlers of {@code ota-rollout}.
 *
 * <p>Device API: {@code POST /api/v1/updates/check}, {@code POST /api/v1/updates/status}, {@code
 * GET /api/v1/updates/download/{file}} (bearer token of the device). Admin API under {@code
 * /api/v1/admin/} (bearer admin token): {@code releases}, {@code devices}, {@code rollouts}, {@code
 * rollouts/{id}}, {@code rollouts/{id}/history}, {@code rollouts/{id}/{start|pause|resume|abort
 * |advance|rollback}} and {@code rollouts/{id}/devices/{deviceId}/cancel}. {@code GET /metrics} in
 * the Prometheus text format, {@code GET /healthz}.
 *
 * <p>A download names only the file; the device is found from its token (the store keeps the
 * token's SHA-256), or from an {@code X-Device-Id} header when the client sends one. The {@link
 * DeviceApi} then authenticates the token against that device and allows only a file of the release
 * currently offered to it.
 */
final class ControllerHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerHandler.class);
  private static final String DEVICE = "/api/v1/updates/";
  private static final String DOWNLOAD = DEVICE + "download/";
  private static final String ADMIN = "/api/v1/admin/";
  private static final long REINDEX_MILLIS = 1000;
  private static final Set<String> RELEASE_FIELDS = Set.of("path");
  private static final Set<String> DEVICE_FIELDS = Set.of("deviceId");
  private static final Set<String> ACTION_FIELDS = Set.of("reason", "release");
  private static final ReasonCode INVALID = ReasonCode.INVALID_ARGUMENT;

  private final RolloutEngine engine;
  private final ControllerConfig config;
  private final ArtifactHandler artifacts;
  private final ObjectMapper json = AdminJson.mapper();
  private final RolloutJson rolloutJson = new RolloutJson();
  private final Map<String, String> deviceByTokenHash = new ConcurrentHashMap<>();
  private final AtomicLong lastReindex = new AtomicLong();
  private volatile DeviceApi deviceApi;
  private volatile AdminApi adminApi;
  private volatile ControllerMetrics metrics;

  ControllerHandler(RolloutEngine engine, ControllerConfig config, ArtifactHandler artifacts) {
    this.engine = engine;
    this.config = config;
    this.artifacts = artifacts;
  }

  /** Binds the handlers once the server's port (and so the artifact base URL) is known. */
  void bind(DeviceApi deviceApi, AdminApi adminApi, ControllerMetrics metrics) {
    this.deviceApi = deviceApi;
    this.adminApi = adminApi;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      if (deviceApi == null) {
        HttpIo.error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "STARTING", "");
      } else if (path.startsWith(DOWNLOAD)) {
        download(request, response, callback, path.substring(DOWNLOAD.length()));
      } else if (path.equals(DEVICE + "check") && HttpMethod.POST.is(method)) {
        check(request, response, callback);
      } else if (path.equals(DEVICE + "status") && HttpMethod.POST.is(method)) {
        status(request, response, callback);
      } else if (path.startsWith(ADMIN)) {
        admin(request, response, callback, method, path.substring(ADMIN.length()));
      } else if (path.equals("/metrics") && HttpMethod.GET.is(method)) {
        HttpIo.text(response, callback, 200, ControllerMetrics.contentType(), metrics.scrape());
      } else if (path.equals("/healthz") && HttpMethod.GET.is(method)) {
        HttpIo.text(response, callback, 200, "text/plain", "ok\n");
      } else {
        HttpIo.error(
            response, callback, HttpStatus.NOT_FOUND_404, "NOT_FOUND", method + " " + path);
      }
    } catch (OtaException e) {
      if (e.reason() == ReasonCode.STORE_ERROR || e.reason() == ReasonCode.IO_ERROR) {
        LOG.warn("{} {} failed: {}", method, path, e.getMessage());
      } else {
        LOG.debug("{} {} rejected: {}", method, path, e.getMessage());
      }
      HttpIo.error(response, callback, e);
    } catch (RouteNotFound e) {
      HttpIo.error(response, callback, HttpStatus.NOT_FOUND_404, "NOT_FOUND", e.getMessage());
    } catch (JsonProcessingException e) {
      // Bodies are read by AdminJson.readObject, WireJson and RolloutJson, which all answer with
      // typed errors; this is a last resort that shows none of the parser's internals.
      LOG.debug("{} {} rejected: {}", method, path, e.getOriginalMessage());
      HttpIo.error(
          response,
          callback,
          HttpStatus.BAD_REQUEST_400,
          ReasonCode.INVALID_ARGUMENT.name(),
          "request body: expected well-formed JSON of the documented shape");
    } catch (IllegalArgumentException e) {
      HttpIo.error(
          response,
          callback,
          HttpStatus.BAD_REQUEST_400,
          ReasonCode.INVALID_ARGUMENT.name(),
          e.getMessage());
    } catch (Exception e) {
      LOG.warn("{} {} failed: {}", method, path, e.toString());
      HttpIo.error(
          response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "INTERNAL", e.toString());
    }
    return true;
  }

  // ------------------------------------------------------------------ device API

  private void check(Request request, Response response, Callback callback) throws Exception {
    String token = deviceToken(request);
    CheckRequest body = WireJson.fromJson(HttpIo.body(request), CheckRequest.class);
    CheckResponse answer = deviceApi.checkIn(token, body);
    deviceByTokenHash.putIfAbsent(sha256Hex(token), body.device().deviceId());
    HttpIo.json(response, callback, 200, WireJson.toJsonBytes(answer));
  }

  private void status(Request request, Response response, Callback callback) throws Exception {
    String token = deviceToken(request);
    StatusReport report = WireJson.fromJson(HttpIo.body(request), StatusReport.class);
    StatusAck ack = deviceApi.status(token, report);
    HttpIo.json(response, callback, 200, WireJson.toJsonBytes(ack));
  }

  private void download(Request request, Response response, Callback callback, String file)
      throws Exception {
    String token = deviceToken(request);
    // Jetty has decoded the path already (and refused encoded separators, see JsonErrorHandler);
    // decoding again would turn '+' into a space and '%252e' into '.'.
    if (!ArtifactHandler.validName(file)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          file,
          "file: expected a plain name of [A-Za-z0-9._+-] without '..', found '" + file + "'");
    }
    String deviceId = request.getHeaders().get("X-Device-Id");
    if (deviceId == null) {
      deviceId = deviceOfToken(token).orElse(null);
    }
    if (deviceId == null) {
      throw new OtaException(
          ReasonCode.UNAUTHORIZED, null, "download: expected a registered device's token");
    }
    Optional<Path> artifact = deviceApi.artifact(token, deviceId, file);
    if (artifact.isEmpty()) {
      HttpIo.error(
          response,
          callback,
          HttpStatus.FORBIDDEN_403,
          ReasonCode.FORBIDDEN.name(),
          "file '" + file + "' is not part of a release offered to device '" + deviceId + "'");
      return;
    }
    Path p = artifact.get();
    artifacts.serve(request, response, callback, p.getParent(), p.getFileName().toString());
  }

  private static String deviceToken(Request request) {
    return HttpIo.bearer(request)
        .orElseThrow(
            () ->
                new OtaException(
                    ReasonCode.UNAUTHORIZED,
                    null,
                    "Authorization: expected 'Bearer <device token>', found none"));
  }

  private Optional<String> deviceOfToken(String token) {
    String hash = sha256Hex(token);
    String id = deviceByTokenHash.get(hash);
    if (id == null) {
      long now = System.nanoTime() / 1_000_000;
      long last = lastReindex.get();
      // A miss reloads the index at most once a second, so unknown tokens cannot make every
      // request read the whole device table.
      if (now - last >= REINDEX_MILLIS && lastReindex.compareAndSet(last, now)) {
        for (DeviceRecord d : engine.store().devices()) {
          deviceByTokenHash.put(d.tokenHash(), d.deviceId());
        }
        id = deviceByTokenHash.get(hash);
      }
    }
    return Optional.ofNullable(id);
  }

  private static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  // ------------------------------------------------------------------ admin API

  private void admin(
      Request request, Response response, Callback callback, String method, String rest)
      throws Exception {
    String token =
        HttpIo.bearer(request)
            .orElseThrow(
                () ->
                    new OtaException(
                        ReasonCode.UNAUTHORIZED,
                        null,
                        "Authorization: expected 'Bearer <admin token>', found none"));
    List<String> parts = new ArrayList<>(List.of(rest.split("/")));
    parts.removeIf(String::isEmpty);
    boolean get = HttpMethod.GET.is(method);
    boolean post = HttpMethod.POST.is(method);
    Object result;
    int status = 200;
    String first = parts.isEmpty() ? "" : parts.get(0);
    if (first.equals("releases") && parts.size() == 1 && get) {
      result = adminApi.releases(token).stream().map(ControllerHandler::releaseView).toList();
    } else if (first.equals("releases") && parts.size() == 1 && post) {
      JsonNode body = AdminJson.readObject(json, HttpIo.body(request), INVALID, RELEASE_FIELDS);
      String given = text(body, "path");
      Path dir = ControllerServer.requireInside(config.artifactDir(), given);
      result = releaseView(addRelease(token, given, dir));
      status = 201;
    } else if (first.equals("devices") && parts.size() == 1 && get) {
      result = adminApi.devices(token).stream().map(ControllerHandler::deviceView).toList();
    } else if (first.equals("devices") && parts.size() == 1 && post) {
      JsonNode body = AdminJson.readObject(json, HttpIo.body(request), INVALID, DEVICE_FIELDS);
      String id = text(body, "deviceId");
      String deviceToken = adminApi.registerDevice(token, id);
      deviceByTokenHash.put(sha256Hex(deviceToken), id);
      result = Map.of("deviceId", id, "token", deviceToken);
      status = 201;
    } else if (first.equals("rollouts") && parts.size() == 1 && get) {
      result = adminApi.rollouts(token).stream().map(this::rolloutView).toList();
    } else if (first.equals("rollouts") && parts.size() == 1 && post) {
      byte[] raw = HttpIo.body(request);
      // Syntax, repeated fields and trailing content first (RolloutJson keeps the last of a
      // repeated field); then the rollout's own strict reader with its documented defaults.
      AdminJson.readObject(json, raw, ReasonCode.ROLLOUT_CONFIG_INVALID, null);
      RolloutSpec spec = rolloutJson.readSpec(new String(raw, StandardCharsets.UTF_8));
      result = rolloutView(adminApi.createRollout(token, spec));
      status = 201;
    } else if (first.equals("rollouts") && parts.size() == 2 && get) {
      result = rolloutView(adminApi.rollout(token, parts.get(1)));
    } else if (first.equals("rollouts") && parts.size() == 3 && get) {
      if (!parts.get(2).equals("history")) {
        throw notFound(method, rest);
      }
      result = adminApi.history(token, parts.get(1));
    } else if (first.equals("rollouts")
        && parts.size() == 5
        && post
        && parts.get(2).equals("devices")
        && parts.get(4).equals("cancel")) {
      boolean had = adminApi.cancelForDevice(token, parts.get(1), parts.get(3));
      result = Map.of("rolloutId", parts.get(1), "deviceId", parts.get(3), "wasAssigned", had);
    } else if (first.equals("rollouts") && parts.size() == 3 && post) {
      result = rolloutView(rolloutAction(request, token, parts.get(1), parts.get(2), method, rest));
    } else {
      throw notFound(method, rest);
    }
    HttpIo.json(response, callback, status, json.writeValueAsBytes(result));
  }

  private Rollout rolloutAction(
      Request request, String token, String id, String action, String method, String rest)
      throws Exception {
    byte[] raw = HttpIo.body(request);
    JsonNode body =
        raw.length == 0
            ? json.createObjectNode()
            : AdminJson.readObject(json, raw, INVALID, ACTION_FIELDS);
    String reason = body.hasNonNull("reason") ? body.get("reason").asText() : "admin request";
    return switch (action) {
      case "start" -> adminApi.start(token, id);
      case "pause" -> adminApi.pause(token, id, reason);
      case "resume" -> adminApi.resume(token, id);
      case "abort" -> adminApi.abort(token, id, reason);
      case "advance" -> adminApi.advance(token, id);
      case "rollback" ->
          adminApi.rollback(
              token,
              id,
              body.hasNonNull("release") ? Version.parse(body.get("release").asText()) : null);
      default -> throw notFound(method, rest);
    };
  }

  /**
   * Adds the release in {@code dir} (given by the client as {@code given}); a missing directory or
   * manifest and unreadable files are reported with the client's relative path, never with the
   * server's absolute one.
   */
  private ReleaseRecord addRelease(String token, String given, Path dir) {
    try {
      return adminApi.addRelease(token, dir);
    } catch (OtaException e) {
      if (e.reason() != ReasonCode.IO_ERROR) {
        throw e;
      }
      if (!Files.isDirectory(dir)) {
        throw new OtaException(
            ReasonCode.RELEASE_NOT_FOUND,
            given,
            "path: expected a release directory inside the artifact directory, found no '"
                + given
                + "'");
      }
      String manifest = given + "/manifest.json";
      if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
        throw new OtaException(
            ReasonCode.RELEASE_REJECTED,
            manifest,
            "path: expected a release directory holding manifest.json, found no '"
                + manifest
                + "'");
      }
      String value = e.offendingValue();
      String file =
          value != null && ArtifactHandler.validName(value) ? given + "/" + value : manifest;
      throw new OtaException(
          ReasonCode.IO_ERROR,
          file,
          "release '" + given + "': expected readable files, cannot read '" + file + "'");
    }
  }

  private static RouteNotFound notFound(String method, String rest) {
    return new RouteNotFound(
        "admin API: expected releases, devices or rollouts[/{id}[/action]], found "
            + method
            + " "
            + rest);
  }

  /** An admin request for a route that does not exist: answered with 404. */
  private static final class RouteNotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RouteNotFound(String message) {
      super(message, null, false, false);
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          n == null ? null : n.toString(),
          "request field '" + field + "': expected non-blank text, found " + n);
    }
    return n.asText();
  }

  private static Map<String, Object> releaseView(ReleaseRecord r) {
    return Map.of(
        "version", r.version().toString(),
        "sequence", r.sequence(),
        "downgrade", r.downgrade(),
        "targetDeviceTypes", r.targetDeviceTypes(),
        "files", r.files(),
        "addedAt", r.addedAt().toString());
  }

  private static Map<String, Object> deviceView(DeviceRecord d) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("deviceId", d.deviceId());
    m.put("deviceType", d.deviceType());
    m.put("tags", d.tags());
    m.put(
        "installedVersion", d.installedVersion() == null ? null : d.installedVersion().toString());
    m.put("agentVersion", d.agentVersion() == null ? null : d.agentVersion().toString());
    m.put("lastState", d.lastState());
    m.put("lastStateAt", d.lastStateAt());
    m.put("registeredAt", d.registeredAt());
    m.put("lastSeen", d.lastSeen());
    return m;
  }

  private ObjectNode rolloutView(Rollout r) {
    ObjectNode n = json.valueToTree(r);
    n.put("id", r.id());
    n.put("stage", r.stage().name());
    n.set("outcomes", json.valueToTree(engine.store().outcomes(r.id())));
    return n;
  }
}
