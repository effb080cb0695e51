package org.edgeota.api.spi;

import java.nio.file.Path;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;

/**
 * The device's connection to its controller: check-in, artifact download, status report.
 *
 * <p>Contract every implementation keeps:
 *
 * <ul>
 *   <li>{@link #download} never leaves a file at {@code target} unless its size and SHA-256 match
 *       the request; partial data lives elsewhere until verified, then is moved into place
 *       atomically.
 *   <li>It never accepts more bytes than {@link ArtifactRequest#size()}.
 *   <li>Retries are bounded in count and time; a failure that cannot succeed on retry (for example
 *       {@code 403}) is not retried.
 *   <li>A status report counts as delivered only when the controller acknowledged it.
 *   <li>Credentials are never logged.
 * </ul>
 */
public interface TransportClient {

  /**
   * Checks in with the controller.
   *
   * @param request who the device is and what it runs
   * @return whether an update is assigned, with its signed manifest
   * @throws org.edgeota.api.OtaException with {@code TRANSPORT_ERROR}, {@code HTTP_STATUS}, {@code
   *     AUTH_REJECTED} or {@code RETRIES_EXHAUSTED}
   */
  CheckResponse checkIn(CheckRequest request);

  /**
   * Downloads an artifact, resuming an earlier partial download of the same artifact.
   *
   * @param request what to fetch and what it must hash to
   * @param target where the verified file ends up
   * @param listener receives progress events
   * @return {@code target}
   * @throws org.edgeota.api.OtaException with a download reason code; {@code target} is then absent
   */
  Path download(ArtifactRequest request, Path target, DownloadProgress.Listener listener);

  /**
   * Delivers a status report.
   *
   * @param report the report; its id is kept across retries
   * @return the controller's acknowledgement
   * @throws org.edgeota.api.OtaException when the report was not acknowledged
   */
  StatusAck report(StatusReport report);
}
