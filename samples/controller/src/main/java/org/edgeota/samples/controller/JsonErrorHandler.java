package org.edgeota.samples.controller;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.edgeota.api.ReasonCode;

/**
 * Answers the errors Jetty raises itself (before a request reaches {@link ControllerHandler}) with
 * the controller's JSON error document instead of Jetty's HTML page: for example 400 for a path
 * with an encoded separator ({@code %2F}, {@code %2e%2e}, {@code %5c}, {@code %00}), which Jetty
 * refuses as ambiguous. The status stays Jetty's; the document names the raw path.
 */
final class JsonErrorHandler extends ErrorHandler {
  /** The path of the stand-in request Jetty builds for a request line it could not parse. */
  private static final String BAD_MESSAGE_PATH = "/badMessage";

  private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String path = rawPath(request);
    String what = message;
    if (code == HttpStatus.BAD_REQUEST_400
        && cause instanceof BadMessageException
        && cause.getCause() instanceof IllegalArgumentException detail
        && detail.getMessage() != null) {
      // A URI Jetty cannot parse at all (such as one with %00) comes with "Bad Request" only;
      // the detail says which rule it broke ("Illegal character in path").
      what = detail.getMessage();
    }
    byte[] body = HttpIo.errorBody(reason(code), describe(code, what, path), path);
    response.getHeaders().put(JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Returns the path as the client sent it (still percent-encoded), or {@code null} when Jetty
   * could not parse the URI and stands in a placeholder for it.
   */
  private static String rawPath(Request request) {
    HttpURI uri = request == null ? null : request.getHttpURI();
    String path = uri == null ? null : uri.getPath();
    return path == null || BAD_MESSAGE_PATH.equals(path) ? null : path;
  }

  private static String reason(int code) {
    return switch (code) {
      case HttpStatus.BAD_REQUEST_400 -> ReasonCode.INVALID_ARGUMENT.name();
      case HttpStatus.NOT_FOUND_404 -> "NOT_FOUND";
      case HttpStatus.INTERNAL_SERVER_ERROR_500 -> "INTERNAL";
      default -> "HTTP_" + code;
    };
  }

  private static String describe(int code, String message, String path) {
    String what =
        message == null || message.isBlank() ? HttpStatus.getMessage(code) : message.strip();
    return path == null ? what : "path '" + path + "': " + what;
  }
}
