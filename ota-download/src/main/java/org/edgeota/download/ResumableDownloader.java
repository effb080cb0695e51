package org.edgeota.download;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.download.internal.DownloadJob;

/**
 * Downloads one artifact into one file, resuming where an earlier attempt or an earlier process
 * stopped, and moves the file into place only when its size and SHA-256 match.
 *
 * <p>While a download runs, bytes go to {@code <target>.part} and a small sidecar {@code
 * <target>.part.json} records how many of them are durable and the strong validator (a strong
 * {@code ETag}, else a {@code Last-Modified} date at least 60 s older than the response's {@code
 * Date}) they were served under. A resume asks for {@code Range: bytes=<offset>-} with {@code
 * If-Range: <validator>}; any answer that could mix two versions of the file (a {@code 200} to the
 * ranged request, a {@code 206} for another offset or total, a changed validator, a {@code 416})
 * discards the partial data first. The SHA-256 is computed while the bytes stream in; on a resume
 * the durable prefix is hashed once. More bytes than the expected size are never accepted: the
 * first extra byte fails the download and deletes the partial data. A partial file that already
 * holds every byte is verified without any request, and so is a target file already there (kept
 * when it matches; another regular file there is replaced only by the verified bytes, so a failed
 * download leaves it as it was; a symbolic link, directory, device or FIFO there is refused with
 * {@link ReasonCode#INVALID_ARGUMENT}). The partial file and its sidecar are never opened through a
 * symbolic link.
 *
 * <p>Time limits: response headers must arrive within the request timeout; the body must keep at
 * least the minimum throughput over each throughput window (else the attempt fails as {@link
 * ReasonCode#DOWNLOAD_TOO_SLOW} and is retried from where it stopped); the whole call ends at the
 * overall deadline ({@link ReasonCode#DOWNLOAD_DEADLINE}, partial data kept for a later call).
 * Retries follow the {@link RetryPolicy}; an attempt that made durable progress starts a fresh
 * attempt budget, the policy's total time still caps the whole.
 *
 * <p>Note: two downloads to the same target at the same time are not detected; callers serialize
 * them. A {@code 206 multipart/byteranges} answer is not understood (it is never asked for).
 *
 * <p>Note on throughput and memory: at most 1 MiB of the body is read ahead of the writer (a
 * quarter second's worth under a bandwidth cap), whatever the file size. The JDK client reads the
 * socket in 16 KiB buffers by default, and its per-buffer cost is the largest part of the CPU a
 * download takes; the JVM-wide system property {@code jdk.httpclient.bufsize} changes that size. A
 * library must not change a JVM-wide setting behind its user's back, so this class never sets it by
 * itself; a launcher calls {@link #useLargeClientBuffers()} first thing in {@code main} (the {@code
 * ota} tool and the reference agent do) or starts the JVM with {@code
 * -Djdk.httpclient.bufsize=262144}. See the download benchmark in {@code docs/benchmarks.md}.
 */
public final class ResumableDownloader {
  private static final String CLIENT_BUFFER_PROPERTY = "jdk.httpclient.bufsize";

  private final DownloadJob.Settings settings;

  private ResumableDownloader(DownloadJob.Settings settings) {
    this.settings = settings;
  }

  /** The JDK client buffer size {@link #useLargeClientBuffers()} asks for: 256 KiB. */
  public static final int LARGE_CLIENT_BUFFER = 256 << 10;

  /**
   * Asks the JDK HTTP client to read the network in {@value #LARGE_CLIENT_BUFFER}-byte buffers
   * instead of its 16 KiB default, by setting the system property {@code jdk.httpclient.bufsize}
   * when it is not set yet (a launcher's {@code -D} always wins).
   *
   * <p>Warning: the setting is JVM-wide and the JDK reads it once, when the first {@code
   * HttpClient} of the process is created; call this first thing in {@code main}. Each open
   * connection then holds buffers of that size while it reads, which suits a device that runs a few
   * downloads, not a server with thousands of client connections.
   *
   * @return {@code true} when this call set the property, {@code false} when it was already set
   */
  public static boolean useLargeClientBuffers() {
    if (System.getProperty(CLIENT_BUFFER_PROPERTY) != null) {
      return false;
    }
    System.setProperty(CLIENT_BUFFER_PROPERTY, String.valueOf(LARGE_CLIENT_BUFFER));
    return true;
  }

  /**
   * Returns a builder with the defaults: an HTTP/1.1 client that follows redirects except from
   * HTTPS to HTTP, the default {@link RetryPolicy}, at least 1 KiB/s over 30 s windows, a 1 hour
   * deadline, no bandwidth cap, a 30 s request timeout, durable progress every second, progress
   * events every 250 ms, the system UTC clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Downloads an artifact into {@code target}, resuming an earlier partial download of it.
   *
   * @param request what to fetch: URI, exact size and SHA-256
   * @param target where the verified file ends up; its directory is created when missing
   * @param listener receives progress events (bytes, total, rate, ETA), or {@code null}
   * @return {@code target}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a malformed request; {@link
   *     ReasonCode#PAYLOAD_MISMATCH}, {@link ReasonCode#DOWNLOAD_TOO_LARGE}, {@link
   *     ReasonCode#AUTH_REJECTED}, {@link ReasonCode#HTTP_STATUS}, {@link ReasonCode#HTTP_PROTOCOL}
   *     or {@link ReasonCode#IO_ERROR} for failures a retry cannot mend; {@link
   *     ReasonCode#DOWNLOAD_DEADLINE} when the deadline passed; {@link
   *     ReasonCode#RETRIES_EXHAUSTED} (with the last failure as cause) when the policy gave up. The
   *     target is then absent.
   */
  public Path download(ArtifactRequest request, Path target, DownloadProgress.Listener listener) {
    return new DownloadJob(settings, request, target, listener).run();
  }

  /** Builds a {@link ResumableDownloader}; settings are validated by {@link #build()}. */
  public static final class Builder {
    private HttpClient httpClient;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private long minBytesPerSecond = 1024;
    private Duration throughputWindow = Duration.ofSeconds(30);
    private Duration deadline = Duration.ofHours(1);
    private long maxBytesPerSecond;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration checkpointInterval = Duration.ofSeconds(1);
    private Duration progressInterval = Duration.ofMillis(250);
    private Clock clock = Clock.systemUTC();
    private Function<URI, Map<String, String>> headers = uri -> Map.of();
    private Executor flushExecutor;

    private Builder() {}

    /**
     * Sets the HTTP client; its connect timeout, TLS context and redirect policy apply.
     *
     * @param value the client
     * @return this builder
     */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param value the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /**
     * Sets the minimum throughput a body must keep over each window.
     *
     * @param bytesPerSecond the minimum rate; 0 disables the check
     * @param window the window over which the rate is measured
     * @return this builder
     */
    public Builder minThroughput(long bytesPerSecond, Duration window) {
      this.minBytesPerSecond = bytesPerSecond;
      this.throughputWindow = window;
      return this;
    }

    /**
     * Sets the overall time limit of one {@link #download} call, retries included.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder deadline(Duration value) {
      this.deadline = value;
      return this;
    }

    /**
     * Sets a bandwidth cap.
     *
     * @param bytesPerSecond the highest average rate; 0 for none
     * @return this builder
     */
    public Builder maxBytesPerSecond(long bytesPerSecond) {
      this.maxBytesPerSecond = bytesPerSecond;
      return this;
    }

    /**
     * Sets the time limit until response headers arrive.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /**
     * Sets how often progress is made durable (the partial file forced, the sidecar rewritten).
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder checkpointInterval(Duration value) {
      this.checkpointInterval = value;
      return this;
    }

    /**
     * Sets how often progress events are sent while bytes arrive.
     *
     * @param value a non-negative duration
     * @return this builder
     */
    public Builder progressInterval(Duration value) {
      this.progressInterval = value;
      return this;
    }

    /**
     * Sets the clock for deadlines, throughput windows and progress rates.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the executor that forces the partial file to disk in the background while the download
     * goes on; by default each download uses one thread of its own.
     *
     * @param value the executor
     * @return this builder
     */
    public Builder flushExecutor(Executor value) {
      this.flushExecutor = Objects.requireNonNull(value, "flushExecutor");
      return this;
    }

    /** Sets extra headers per request URI (the transport client adds its credentials here). */
    Builder headers(Function<URI, Map<String, String>> value) {
      this.headers = Objects.requireNonNull(value, "headers");
      return this;
    }

    /**
     * Validates the settings and builds the downloader.
     *
     * @return the downloader
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} naming the first bad setting
     */
    public ResumableDownloader build() {
      if (minBytesPerSecond < 0) {
        throw invalid("minThroughput", String.valueOf(minBytesPerSecond), "a rate >= 0");
      }
      requirePositive("throughputWindow", throughputWindow);
      requirePositive("deadline", deadline);
      requirePositive("requestTimeout", requestTimeout);
      requirePositive("checkpointInterval", checkpointInterval);
      if (progressInterval == null || progressInterval.isNegative()) {
        throw invalid("progressInterval", String.valueOf(progressInterval), "a duration >= 0");
      }
      if (maxBytesPerSecond < 0) {
        throw invalid("maxBytesPerSecond", String.valueOf(maxBytesPerSecond), "a rate >= 0");
      }
      if (maxBytesPerSecond > 0 && maxBytesPerSecond < minBytesPerSecond) {
        throw invalid(
            "maxBytesPerSecond",
            String.valueOf(maxBytesPerSecond),
            "a cap not below the minimum throughput " + minBytesPerSecond);
      }
      HttpClient client = httpClient != null ? httpClient : defaultClient(Duration.ofSeconds(10));
      return new ResumableDownloader(
          new DownloadJob.Settings(
              client,
              retryPolicy,
              clock,
              minBytesPerSecond,
              throughputWindow,
              deadline,
              maxBytesPerSecond,
              requestTimeout,
              checkpointInterval,
              progressInterval,
              headers,
              flushExecutor));
    }

    static HttpClient defaultClient(Duration connectTimeout) {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(connectTimeout)
          .build();
    }

    private static void requirePositive(String field, Duration d) {
      SettingChecks.requirePositive("downloader", field, d);
    }

    private static OtaException invalid(String field, String value, String expected) {
      return SettingChecks.invalid("downloader", field, value, expected);
    }
  }
}
