package org.edgeota.samples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the reference controller's admin API, as an operator's script would use. */
final class AdminClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final URI base;
  private final String token;

  AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), path);
  }

  JsonNode post(String path, Object body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        path);
  }

  private URI uri(String path) {
    return base.resolve("/api/v1/admin/" + path);
  }

  private JsonNode send(HttpRequest.Builder b, String path) throws IOException {
    HttpRequest request =
        b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted calling the admin API", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "admin API "
              + request.method()
              + " "
              + path
              + ": HTTP "
              + response.statusCode()
              + " "
              + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return json.readTree(response.body());
  }
}
