package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;

/**
 * Converts between the manifest JSON tree and {@link Release}. Decoding is strict: every field is
 * checked for presence, type and range, unknown members are refused, and names are unique.
 */
public final class ManifestCodec {
  /** Document kind used in messages. */
  public static final String DOCUMENT = "manifest";

  /** Largest payload size accepted: 1 TiB. */
  public static final long MAX_PAYLOAD_SIZE = 1L << 40;

  /** The only delta algorithm defined. */
  public static final String BSDIFF = "bsdiff";

  private static final Set<String> ROOT_FIELDS =
      Set.of(
          "version",
          "sequence",
          "downgrade",
          "releaseDate",
          "expires",
          "minAgentVersion",
          "targetDeviceTypes",
          "rollbackVersion",
          "components",
          Signatures.MEMBER);
  private static final Set<String> COMPONENT_FIELDS =
      Set.of("name", "type", "file", "size", "sha256", "installOrder", "rebootRequired", "deltas");
  private static final Set<String> DELTA_FIELDS =
      Set.of("fromVersion", "fromSha256", "file", "size", "sha256", "algorithm");
  private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern DEVICE_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_COMPONENTS = 256;
  private static final int MAX_DELTAS = 64;
  private static final int MAX_DEVICE_TYPES = 256;
  private static final int MAX_INSTALL_ORDER = 1_000_000;

  private ManifestCodec() {}

  /**
   * Decodes and validates a manifest tree.
   *
   * @param root the parsed document
   * @return the release it describes
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} or {@link
   *     ReasonCode#MANIFEST_FIELD_INVALID} naming the field and value
   */
  public static Release decode(JsonNode root) {
    Fields f = Fields.root(root, DOCUMENT);
    f.rejectUnknown(ROOT_FIELDS);
    Version version = f.version("version");
    long sequence = f.integer("sequence", 1, Fields.MAX_SAFE_INTEGER);
    boolean downgrade = f.optionalBool("downgrade");
    Instant releaseDate = f.instant("releaseDate");
    Instant expires = f.instant("expires");
    if (!expires.isAfter(releaseDate)) {
      throw f.invalid("expires", expires.toString(), "an instant after releaseDate " + releaseDate);
    }
    Version minAgent = f.version("minAgentVersion");
    List<String> deviceTypes = deviceTypes(f);
    Version rollback = f.has("rollbackVersion") ? f.version("rollbackVersion") : null;
    List<JsonNode> componentNodes = f.array("components", 1, MAX_COMPONENTS);
    List<Component> components = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> files = new HashSet<>();
    for (int i = 0; i < componentNodes.size(); i++) {
      Component c = component(componentNodes.get(i), "components[" + i + "]", files);
      if (!names.add(c.name())) {
        throw f.invalid("components[" + i + "].name", c.name(), "a component name used once");
      }
      components.add(c);
    }
    return new Release(
        version,
        sequence,
        downgrade,
        releaseDate,
        expires,
        minAgent,
        deviceTypes,
        rollback,
        components);
  }

  private static List<String> deviceTypes(Fields f) {
    List<JsonNode> nodes = f.array("targetDeviceTypes", 1, MAX_DEVICE_TYPES);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String path = "targetDeviceTypes[" + i + "]";
      if (!n.isTextual()) {
        throw new OtaException(
            ReasonCode.MANIFEST_MALFORMED,
            n.toString(),
            DOCUMENT + " field '" + path + "': expected a string, found " + n);
      }
      if (!DEVICE_TYPE.matcher(n.textValue()).matches() || out.contains(n.textValue())) {
        throw f.invalid(path, n.textValue(), "a unique device type matching " + DEVICE_TYPE);
      }
      out.add(n.textValue());
    }
    return out;
  }

  private static Component component(JsonNode node, String path, Set<String> files) {
    Fields c = Fields.object(node, DOCUMENT, path);
    c.rejectUnknown(COMPONENT_FIELDS);
    String name = c.string("name");
    if (!Fields.isSafeName(name)) {
      throw c.invalid(
          "name", name, "a plain name (no '/', '\\', ':', '..', control or format chars)");
    }
    String type = c.string("type");
    if (!TYPE.matcher(type).matches()) {
      throw c.invalid("type", type, "a type matching " + TYPE);
    }
    String file = uniqueFile(c, files);
    long size = c.integer("size", 0, MAX_PAYLOAD_SIZE);
    String sha256 = c.sha256("sha256");
    int installOrder = (int) c.integer("installOrder", 0, MAX_INSTALL_ORDER);
    boolean reboot = c.bool("rebootRequired");
    List<DeltaArtifact> deltas = new ArrayList<>();
    if (c.has("deltas")) {
      List<JsonNode> deltaNodes = c.array("deltas", 0, MAX_DELTAS);
      for (int i = 0; i < deltaNodes.size(); i++) {
        deltas.add(delta(deltaNodes.get(i), c.child("deltas[" + i + "]"), files));
      }
    }
    return new Component(name, type, file, size, sha256, installOrder, reboot, deltas);
  }

  private static DeltaArtifact delta(JsonNode node, String path, Set<String> files) {
    Fields d = Fields.object(node, DOCUMENT, path);
    d.rejectUnknown(DELTA_FIELDS);
    Version from = d.version("fromVersion");
    String fromSha = d.sha256("fromSha256");
    String file = uniqueFile(d, files);
    long size = d.integer("size", 0, MAX_PAYLOAD_SIZE);
    String sha = d.sha256("sha256");
    String algorithm = d.string("algorithm");
    if (!BSDIFF.equals(algorithm)) {
      throw d.invalid("algorithm", algorithm, "'bsdiff'");
    }
    return new DeltaArtifact(from, fromSha, file, size, sha, algorithm);
  }

  private static String uniqueFile(Fields f, Set<String> files) {
    String file = f.fileName("file");
    if (file.equals("manifest.json") || !files.add(file)) {
      throw f.invalid("file", file, "a file name used once in the release, not manifest.json");
    }
    return file;
  }

  /**
   * Encodes a release as a manifest tree without signatures.
   *
   * @param r the release
   * @return the tree, members in the documented order
   */
  public static ObjectNode encode(Release r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("version", r.version().toString());
    o.put("sequence", r.sequence());
    o.put("downgrade", r.downgrade());
    o.put("releaseDate", r.releaseDate().toString());
    o.put("expires", r.expires().toString());
    o.put("minAgentVersion", r.minAgentVersion().toString());
    ArrayNode types = o.putArray("targetDeviceTypes");
    r.targetDeviceTypes().forEach(types::add);
    if (r.rollbackVersion() != null) {
      o.put("rollbackVersion", r.rollbackVersion().toString());
    }
    ArrayNode components = o.putArray("components");
    for (Component c : r.components()) {
      ObjectNode co = components.addObject();
      co.put("name", c.name());
      co.put("type", c.type());
      co.put("file", c.file());
      co.put("size", c.size());
      co.put("sha256", c.sha256());
      co.put("installOrder", c.installOrder());
      co.put("rebootRequired", c.rebootRequired());
      ArrayNode deltas = co.putArray("deltas");
      for (DeltaArtifact d : c.deltas()) {
        ObjectNode dn = deltas.addObject();
        dn.put("fromVersion", d.fromVersion().toString());
        dn.put("fromSha256", d.fromSha256());
        dn.put("file", d.file());
        dn.put("size", d.size());
        dn.put("sha256", d.sha256());
        dn.put("algorithm", d.algorithm());
      }
    }
    return o;
  }
}
