package org.edgeota.download.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP/1.1 server that answers each connection with the next step of a script, for
 * byte-level faults a mock cannot produce (a body cut short with or without a clean close, a body
 * longer than announced, a server that never stops sending). One request per connection.
 */
public final class ScriptedServer implements AutoCloseable {
  /** One scripted answer: writes raw bytes to the socket and may close it however it likes. */
  @FunctionalInterface
  public interface Step {
    /** Answers the request on the socket. */
    void answer(Request request, Socket socket, OutputStream out) throws IOException;
  }

  /** A received request: request line and headers (names in lower case). */
  public record Request(String line, Map<String, String> headers) {}

  private final ServerSocket server;
  private final List<Step> steps;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Thread thread;

  /** Starts a server on 127.0.0.1 with the given steps; after the last, it answers 500. */
  public ScriptedServer(List<Step> steps) throws IOException {
    this.server = new ServerSocket();
    this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.steps = new ArrayList<>(steps);
    this.thread = new Thread(this::serve, "scripted-server");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Returns the URI of a path on this server. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  /** Returns the requests received so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void serve() {
    int i = 0;
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        Request r = read(s);
        requests.add(r);
        Step step =
            i < steps.size() ? steps.get(i) : (req, sock, out) -> status(out, 500, "no script");
        i++;
        step.answer(r, s, s.getOutputStream());
      } catch (IOException e) {
        // The client hung up or the server was closed; the next connection gets the next step.
      }
    }
  }

  private static Request read(Socket s) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    String line = in.readLine();
    Map<String, String> headers = new LinkedHashMap<>();
    String h;
    while ((h = in.readLine()) != null && !h.isEmpty()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    return new Request(line, headers);
  }

  /** Writes a status line and headers (each "Name: value"), then the blank line. */
  public static void head(OutputStream out, int status, String... headers) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Writes a short plain-text answer with the given status. */
  public static void status(OutputStream out, int status, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    head(out, status, "Content-Length: " + b.length);
    out.write(b);
    out.flush();
  }

  /** Closes the socket with a reset (RST) instead of an orderly close (FIN). */
  public static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
