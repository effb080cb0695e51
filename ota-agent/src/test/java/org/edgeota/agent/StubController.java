package org.edgeota.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.UpdateState;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;

/**
 * A controller stub in memory, implementing the transport contract: it offers one release until the
 * device reports an outcome for it, serves artifacts only when their size and digest match, and
 * counts each report id once.
 */
final class StubController implements TransportClient {
  private final String manifest;
  private final String version;
  private final Map<String, byte[]> artifacts;
  private final Power power;
  final Map<String, StatusReport> counted = new LinkedHashMap<>();
  final List<String> downloads = new ArrayList<>();
  int deliveries;
  int checkIns;
  int rejectNextReports;
  int failNextDownloads;
  final Map<String, Integer> failNextDownloadsOf = new LinkedHashMap<>();
  boolean offline;

  StubController(String manifest, String version, Map<String, byte[]> artifacts, Power power) {
    this.manifest = manifest;
    this.version = version;
    this.artifacts = Map.copyOf(artifacts);
    this.power = power;
  }

  boolean outcomeReported() {
    return counted.values().stream().anyMatch(r -> r.state().isTerminal());
  }

  List<UpdateState> outcomes() {
    return counted.values().stream()
        .map(StatusReport::state)
        .filter(UpdateState::isTerminal)
        .toList();
  }

  @Override
  public CheckResponse checkIn(CheckRequest request) {
    checkIns++;
    if (offline) {
      throw new OtaException(ReasonCode.TRANSPORT_ERROR, "127.0.0.1", "connection refused");
    }
    if (outcomeReported() || request.device().installedVersion().toString().equals(version)) {
      return CheckResponse.noUpdate(60);
    }
    Map<String, String> urls = new LinkedHashMap<>();
    artifacts.keySet().forEach(f -> urls.put(f, "http://127.0.0.1:9/artifacts/" + f));
    return new CheckResponse(true, "rollout-1", manifest, urls, 60);
  }

  @Override
  public Path download(ArtifactRequest request, Path target, DownloadProgress.Listener listener) {
    String path = request.uri().getPath();
    String file = path.substring(path.lastIndexOf('/') + 1);
    downloads.add(file);
    if (failNextDownloads > 0) {
      failNextDownloads--;
      throw new OtaException(ReasonCode.RETRIES_EXHAUSTED, file, "connection reset, 3 attempts");
    }
    Integer failures = failNextDownloadsOf.get(file);
    if (failures != null && failures > 0) {
      failNextDownloadsOf.put(file, failures - 1);
      throw new OtaException(ReasonCode.RETRIES_EXHAUSTED, file, "connection reset, 3 attempts");
    }
    byte[] bytes = artifacts.get(file);
    if (bytes == null) {
      throw new OtaException(ReasonCode.HTTP_STATUS, "404", "expected 200, found 404 for " + file);
    }
    if (bytes.length != request.size() || !sha256(bytes).equals(request.sha256())) {
      throw new OtaException(
          ReasonCode.PAYLOAD_MISMATCH, file, "artifact does not match the request: " + file);
    }
    try {
      Path tmp = target.resolveSibling(target.getFileName() + ".part");
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (power != null) {
      power.tick("download after " + file);
    }
    return target;
  }

  @Override
  public StatusAck report(StatusReport report) {
    deliveries++;
    if (rejectNextReports > 0) {
      rejectNextReports--;
      throw new OtaException(ReasonCode.HTTP_STATUS, "503", "expected 200, found 503");
    }
    boolean duplicate = counted.putIfAbsent(report.reportId(), report) != null;
    if (power != null) {
      power.tick("report acknowledged " + report.state());
    }
    return new StatusAck(report.reportId(), duplicate);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
