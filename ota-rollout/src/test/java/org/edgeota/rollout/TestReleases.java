package org.edgeota.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;

/**
 * Writes small release directories and verifies them with a stand-in for the manifest module's
 * verifier: a manifest verifies when its {@code signatures} hold the value {@code "valid"}.
 */
final class TestReleases {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final ReleaseVerifier VERIFIER = TestReleases::verify;

  private TestReleases() {}

  static Path write(Path parent, String version, long sequence, boolean downgrade, String sig) {
    try {
      Path dir = Files.createDirectories(parent.resolve("release-" + version));
      byte[] payload = ("firmware " + version).getBytes(StandardCharsets.UTF_8);
      String file = "rootfs-" + version + ".img";
      Files.write(dir.resolve(file), payload);
      ObjectNode m = MAPPER.createObjectNode();
      m.put("version", version);
      m.put("sequence", sequence);
      m.put("downgrade", downgrade);
      m.putArray("targetDeviceTypes").add("gw");
      ObjectNode c = m.putArray("components").addObject();
      c.put("name", "rootfs");
      c.put("type", "firmware");
      c.put("file", file);
      c.put("size", payload.length);
      c.put("sha256", sha256(payload));
      m.putArray("signatures").addObject().put("keyId", "k1").put("value", sig);
      Files.write(dir.resolve("manifest.json"), MAPPER.writeValueAsBytes(m));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Release verify(byte[] manifest) {
    JsonNode m;
    try {
      m = MAPPER.readTree(manifest);
    } catch (IOException e) {
      throw new OtaException(ReasonCode.MANIFEST_MALFORMED, null, "not JSON", e);
    }
    boolean signed = false;
    for (JsonNode s : m.path("signatures")) {
      signed |= "valid".equals(s.path("value").asText());
    }
    if (!signed) {
      throw new OtaException(ReasonCode.SIGNATURE_INVALID, null, "test signature: expected valid");
    }
    List<Component> components = new ArrayList<>();
    for (JsonNode c : m.get("components")) {
      components.add(
          new Component(
              c.get("name").asText(),
              c.get("type").asText(),
              c.get("file").asText(),
              c.get("size").asLong(),
              c.get("sha256").asText(),
              0,
              true,
              List.of()));
    }
    List<String> types = new ArrayList<>();
    m.get("targetDeviceTypes").forEach(t -> types.add(t.asText()));
    return new Release(
        Version.parse(m.get("version").asText()),
        m.get("sequence").asLong(),
        m.get("downgrade").asBoolean(),
        Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2027-01-01T00:00:00Z"),
        Version.of(1, 0, 0),
        types,
        null,
        components);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
