package org.edgeota.health.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.HealthCheck.Result;
import org.edgeota.health.ProbeCheck;

/** {@code GET} of a URL whose status must fall in a range. */
public final class HttpStatusProbe implements ProbeCheck.Probe {

  private final URI uri;
  private final int minStatus;
  private final int maxStatus;
  private final HttpClient client;

  /**
   * Creates a probe.
   *
   * @param uri an {@code http} or {@code https} URL with a host
   * @param minStatus the lowest passing status
   * @param maxStatus the highest passing status
   * @param client the client that sends the request
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when the URL or range is not
   *     usable
   */
  public HttpStatusProbe(URI uri, int minStatus, int maxStatus, HttpClient client) {
    validate(uri, minStatus, maxStatus);
    this.uri = uri;
    this.minStatus = minStatus;
    this.maxStatus = maxStatus;
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Checks a URL and a status range.
   *
   * @param uri the URL
   * @param minStatus the lowest passing status
   * @param maxStatus the highest passing status
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} when either is not usable
   */
  public static void validate(URI uri, int minStatus, int maxStatus) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          scheme,
          "HTTP check 'url': expected an http or https URL, found scheme '" + scheme + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          redact(uri),
          "HTTP check 'url': expected a URL with a host, found '" + redact(uri) + "'");
    }
    if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
      String range = minStatus + "-" + maxStatus;
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          range,
          "HTTP check 'expect-status': expected a range within 100-599, found " + range);
    }
  }

  /**
   * Returns the URL without user information, query or fragment, for names and reports.
   *
   * @return {@code host:port/path}
   */
  public String displayTarget() {
    int port = uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getHost() + (port < 0 ? "" : ":" + port) + path;
  }

  @Override
  public Result probe(Duration timeout) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Accept", "*/*").build();
    String target = redact(uri);
    int status;
    try {
      status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (HttpTimeoutException e) {
      return Result.fail("GET " + target + " did not answer within " + timeout);
    } catch (IOException e) {
      return Result.fail("GET " + target + " failed: " + Details.describe(e));
    }
    String observed =
        "GET " + target + ": expected status " + minStatus + "-" + maxStatus + ", found " + status;
    return status >= minStatus && status <= maxStatus
        ? Result.pass(observed)
        : Result.fail(observed);
  }

  private static String redact(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
    String host = uri.getHost() == null ? "" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return scheme + host + port + path;
  }
}
