package org.edgeota.samples.controller;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.rollout.HttpStatuses;

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
    json(response, callback, status, errorBody(reason, msg, null));
  }

  /**
   * Sends the error of an {@link OtaException} with the status its reason code maps to: {@code
   * {"error": reason, "message": ..., "value": offending value}} ({@code value} only when known).
   */
  static void error(Response response, Callback callback, OtaException e) {
    json(
        response,
        callback,
        statusOf(e.reason()),
        errorBody(e.reason().name(), e.getMessage(), e.offendingValue()));
  }

  /** Returns an error document; {@code value} is left out when {@code null}. */
  static byte[] errorBody(String reason, String msg, String value) {
    StringBuilder b =
        new StringBuilder("{\"error\":")
            .append(quote(reason))
            .append(",\"message\":")
            .append(quote(msg == null ? "" : msg));
    if (value != null) {
      b.append(",\"value\":").append(quote(value));
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Maps a reason code to the HTTP status a client should see: {@link HttpStatuses#of}, the one
   * mapping every transport of {@code ota-rollout} shares.
   */
  static int statusOf(ReasonCode reason) {
    return HttpStatuses.of(reason);
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
