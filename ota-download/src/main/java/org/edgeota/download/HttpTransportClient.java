package org.edgeota.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.api.spi.TransportClient;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;
import org.edgeota.download.internal.AttemptFailure;
import org.edgeota.download.internal.HttpStatuses;
import org.edgeota.download.internal.RetryRunner;
import org.edgeota.download.internal.TlsContexts;
import org.edgeota.download.internal.Uris;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link TransportClient}: the device protocol over HTTP(S) with {@link
 * java.net.http.HttpClient}.
 *
 * <p>Calls: {@code POST <base>/api/v1/updates/check} with a {@link CheckRequest}, {@code POST
 * <base>/api/v1/updates/status} with a {@link StatusReport}, both as JSON in the mapping of {@link
 * WireJson}; artifacts are fetched from the absolute URLs of {@link CheckResponse#artifactUrls()}
 * (the controller serves them at {@code GET <base>/api/v1/updates/download/{file}}, see {@link
 * #artifactUri(String)}) through a {@link ResumableDownloader}. The device token goes in {@code
 * Authorization: Bearer <token>} to the controller, and to an artifact URL only when it has the
 * controller's scheme, host and port (a CDN never sees it). The token is never logged and never
 * appears in an exception message.
 *
 * <p>Every call is retried under the {@link RetryPolicy}; {@code 401} and {@code 403} fail at once
 * with {@link ReasonCode#AUTH_REJECTED}, other {@code 4xx} with {@link ReasonCode#HTTP_STATUS}.
 *
 * <p>Instances are thread-safe.
 */
public final class HttpTransportClient implements TransportClient {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransportClient.class);
  private static final int MAX_RESPONSE_BYTES = WireJson.MAX_DOCUMENT_BYTES;

  private final URI baseUri;
  private final String token;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final Clock clock;
  private final RetryRunner retry;
  private final ResumableDownloader downloader;

  private HttpTransportClient(Builder b, HttpClient client) {
    this.baseUri = b.baseUri;
    this.token = b.deviceToken;
    this.client = client;
    this.requestTimeout = b.requestTimeout;
    this.clock = b.clock;
    this.retry = new RetryRunner(b.retryPolicy, b.clock);
    this.downloader =
        ResumableDownloader.builder()
            .httpClient(client)
            .retryPolicy(b.retryPolicy)
            .clock(b.clock)
            .requestTimeout(b.requestTimeout)
            .minThroughput(b.minBytesPerSecond, b.throughputWindow)
            .deadline(b.downloadDeadline)
            .maxBytesPerSecond(b.maxBytesPerSecond)
            .headers(this::artifactHeaders)
            .build();
  }

  /**
   * Returns a builder. The base URI is required; there is no default host.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the controller's download URL of a file, for a controller that does not send absolute
   * artifact URLs.
   *
   * @param file a file name as in the manifest (no path separators)
   * @return {@code <base>/api/v1/updates/download/<file>}
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a name with a separator, a
   *     dot-only name or an empty name
   */
  public URI artifactUri(String file) {
    if (file == null
        || file.isEmpty()
        || file.contains("/")
        || file.contains("\\")
        || file.equals(".")
        || file.equals("..")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          file,
          "artifact file name: expected a plain file name, found '" + file + "'");
    }
    String encoded = URLEncoder.encode(file, StandardCharsets.UTF_8).replace("+", "%20");
    return endpoint("download/" + encoded);
  }

  @Override
  public CheckResponse checkIn(CheckRequest request) {
    Objects.requireNonNull(request, "request");
    byte[] body = WireJson.toJsonBytes(request);
    CheckResponse response =
        retry.run("check-in", null, () -> postJson(endpoint("check"), body, CheckResponse.class));
    LOG.debug(
        "check-in of {}: update available = {}",
        request.device().deviceId(),
        response.updateAvailable());
    return response;
  }

  @Override
  public Path download(ArtifactRequest request, Path target, DownloadProgress.Listener listener) {
    return downloader.download(request, target, listener);
  }

  @Override
  public StatusAck report(StatusReport report) {
    Objects.requireNonNull(report, "report");
    byte[] body = WireJson.toJsonBytes(report);
    StatusAck ack =
        retry.run(
            "status report " + report.reportId(),
            null,
            () -> postJson(endpoint("status"), body, StatusAck.class));
    if (!report.reportId().equals(ack.reportId())) {
      throw new OtaException(
          ReasonCode.WIRE_MALFORMED,
          ack.reportId(),
          "status acknowledgement: expected reportId '"
              + report.reportId()
              + "', found '"
              + ack.reportId()
              + "'");
    }
    return ack;
  }

  private Map<String, String> artifactHeaders(URI uri) {
    if (token != null && Uris.sameOrigin(uri, baseUri)) {
      return Map.of("Authorization", "Bearer " + token);
    }
    return Map.of();
  }

  private URI endpoint(String tail) {
    String base = baseUri.toString();
    String sep = base.endsWith("/") ? "" : "/";
    return URI.create(base + sep + "api/v1/updates/" + tail);
  }

  private <T> T postJson(URI uri, byte[] body, Class<T> type) {
    String what = "POST " + Uris.redact(uri);
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      rb.header("Authorization", "Bearer " + token);
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.TRANSPORT_ERROR,
              String.valueOf(requestTimeout),
              what + ": expected an answer within " + requestTimeout + ", found none",
              e));
    } catch (IOException e) {
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.TRANSPORT_ERROR,
              Uris.redact(uri),
              what + ": expected a connection and an answer, failed: " + e,
              e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AttemptFailure.fatal(
          new OtaException(ReasonCode.TRANSPORT_ERROR, null, what + ": interrupted", e));
    }
    try (InputStream in = response.body()) {
      int status = response.statusCode();
      if (status < 200 || status > 299) {
        throw HttpStatuses.failure(status, response.headers(), what, clock);
      }
      byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      if (bytes.length > MAX_RESPONSE_BYTES) {
        throw AttemptFailure.fatal(
            new OtaException(
                ReasonCode.WIRE_MALFORMED,
                String.valueOf(bytes.length),
                what
                    + ": expected an answer of at most "
                    + MAX_RESPONSE_BYTES
                    + " bytes, found"
                    + " more"));
      }
      try {
        return WireJson.fromJson(bytes, type);
      } catch (OtaException e) {
        throw AttemptFailure.fatal(e);
      }
    } catch (IOException e) {
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.TRANSPORT_ERROR,
              Uris.redact(uri),
              what + ": expected a complete answer, the connection failed: " + e,
              e));
    }
  }

  /** Builds an {@link HttpTransportClient}; settings are validated by {@link #build()}. */
  public static final class Builder {
    private URI baseUri;
    private String deviceToken;
    private Path caBundle;
    private Path clientKeyStore;
    private char[] clientKeyStorePassword;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private long minBytesPerSecond = 1024;
    private Duration throughputWindow = Duration.ofSeconds(30);
    private Duration downloadDeadline = Duration.ofHours(1);
    private long maxBytesPerSecond;

    private Builder() {}

    /**
     * Sets the controller's base URI, for example {@code https://controller.example:8443/}.
     *
     * @param value an absolute http or https URI
     * @return this builder
     */
    public Builder baseUri(URI value) {
      this.baseUri = value;
      return this;
    }

    /**
     * Sets the device's bearer token; without one, requests carry no {@code Authorization}.
     *
     * @param value the token; never logged
     * @return this builder
     */
    public Builder deviceToken(String value) {
      this.deviceToken = value;
      return this;
    }

    /**
     * Trusts only the CAs of a PEM bundle instead of the platform's.
     *
     * @param value the PEM file
     * @return this builder
     */
    public Builder caBundle(Path value) {
      this.caBundle = value;
      return this;
    }

    /**
     * Presents a client certificate (mutual TLS).
     *
     * @param pkcs12 a PKCS#12 file with the private key and its certificate chain
     * @param password the PKCS#12 password
     * @return this builder
     */
    public Builder clientCertificate(Path pkcs12, char[] password) {
      this.clientKeyStore = pkcs12;
      this.clientKeyStorePassword = password == null ? null : password.clone();
      return this;
    }

    /**
     * Sets the time limit for opening a connection.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    /**
     * Sets the time limit until an answer's headers arrive.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /**
     * Sets the retry policy of every call.
     *
     * @param value the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /**
     * Sets the clock.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the minimum download throughput (see {@link ResumableDownloader}).
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
     * Sets the overall time limit of one artifact download.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder downloadDeadline(Duration value) {
      this.downloadDeadline = value;
      return this;
    }

    /**
     * Sets a bandwidth cap for downloads.
     *
     * @param bytesPerSecond the highest average rate; 0 for none
     * @return this builder
     */
    public Builder maxBytesPerSecond(long bytesPerSecond) {
      this.maxBytesPerSecond = bytesPerSecond;
      return this;
    }

    /**
     * Validates the settings, loads the TLS material and builds the client.
     *
     * @return the client
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a missing or malformed
     *     setting, {@link ReasonCode#TLS_CONFIG} when the CA bundle or client certificate cannot be
     *     used
     */
    public HttpTransportClient build() {
      if (baseUri == null
          || baseUri.getHost() == null
          || !("http".equalsIgnoreCase(baseUri.getScheme())
              || "https".equalsIgnoreCase(baseUri.getScheme()))) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Uris.redact(baseUri),
            "transport 'baseUri': expected an absolute http or https URI, found "
                + Uris.redact(baseUri));
      }
      if (baseUri.getUserInfo() != null || baseUri.getRawQuery() != null) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Uris.redact(baseUri),
            "transport 'baseUri': expected no user info and no query, found some");
      }
      if (deviceToken != null && (deviceToken.isBlank() || hasControl(deviceToken))) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            null,
            "transport 'deviceToken': expected non-blank text without control characters");
      }
      requirePositive("connectTimeout", connectTimeout);
      requirePositive("requestTimeout", requestTimeout);
      HttpClient.Builder hb =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(connectTimeout);
      if (caBundle != null || clientKeyStore != null) {
        SSLContext tls = TlsContexts.create(caBundle, clientKeyStore, clientKeyStorePassword);
        hb.sslContext(tls);
      }
      return new HttpTransportClient(this, hb.build());
    }

    private static boolean hasControl(String s) {
      return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static void requirePositive(String field, Duration d) {
      SettingChecks.requirePositive("transport", field, d);
    }
  }
}
