package org.edgeota.api.spi;

import java.time.Duration;

/**
 * A progress event of a download.
 *
 * @param bytes bytes of the artifact now on disk, including a resumed prefix
 * @param total the artifact's expected size
 * @param bytesPerSecond the recent transfer rate
 * @param eta the estimated time to completion, or {@code null} when unknown
 */
public record DownloadProgress(long bytes, long total, double bytesPerSecond, Duration eta) {

  /** Receives progress events; implementations must return quickly and not throw. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called as bytes arrive.
     *
     * @param progress the current progress
     */
    void onProgress(DownloadProgress progress);

    /**
     * Returns a listener that ignores every event.
     *
     * @return a no-op listener
     */
    static Listener none() {
      return p -> {};
    }
  }
}
