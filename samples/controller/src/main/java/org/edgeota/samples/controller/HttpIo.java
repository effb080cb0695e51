package org.edgeota.samples.controller;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Small helpers for the JSON handlers: bodies, bearer tokens, errors as HTTP statuses. */
final class HttpIo {
  /** The largest request body accepted by the JSON endpoints (a signed manifest fits easily). */
  static final int MAX_BODY = 1024 * 1024;

  private static final String JSON = "application/json";

  private HttpIo() {}

  /** Reads a request body of at most {@link #MAX_BODY} bytes. */
  static byte[] body(Request request) throws IOException {
    long declared = request.getLength();
    if (declared > MAX_BODY) {
      throw tooLarge(declared);
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw tooLarge(b.length);
      }
      return b;
    }
  }

  private static OtaException tooLarge(long n) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        Long.toString(n),
        "request body: expected at most " + MAX_BODY + " bytes, found " + n);
  }

  /** Returns the token of an {@code Authorization: Bearer} header, if any. */
  static Optional<String> bearer(Request request) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String t = h.substring(7).strip();
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }

  /** Compares two secrets in time independent of where they differ. */
  static boolean sameSecret(String expected, String given) {
    if (given == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a JSON body with a status. */
  static void json(Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** Sends a plain-text body with a status. */
  static void text(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  /** Sends an error document {@code {"error": reason, "message": ...}}. */
  static void error(Response response, Callback callback, int status, String reason, String msg) {
    String body =
        "{\"error\":" + quote(reason) + ",\"message\":" + quote(msg == null ? "" : msg) + "}";
    json(response, callback, status, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends the error of an {@link OtaException} with the status its reason code maps to. */
  static void error(Response response, Callback callback, OtaException e) {
    error(response, callback, statusOf(e.reason()), e.reason().name(), e.getMessage());
  }

  /** Maps a reason code to the HTTP status a client should see. */
  static int statusOf(ReasonCode reason) {
    return switch (reason) {
      case UNAUTHORIZED, AUTH_REJECTED -> HttpStatus.UNAUTHORIZED_401;
      case FORBIDDEN -> HttpStatus.FORBIDDEN_403;
      case ROLLOUT_NOT_FOUND, DEVICE_NOT_FOUND, RELEASE_NOT_FOUND -> HttpStatus.NOT_FOUND_404;
      case CONFLICT -> HttpStatus.CONFLICT_409;
      case STORE_ERROR, IO_ERROR, SPI_FAILURE -> HttpStatus.SERVICE_UNAVAILABLE_503;
      default -> HttpStatus.BAD_REQUEST_400;
    };
  }

  /** Quotes a string as a JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
