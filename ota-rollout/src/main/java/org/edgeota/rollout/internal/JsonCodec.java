package org.edgeota.rollout.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.rollout.Rollout;
import org.edgeota.rollout.RolloutSpec;
import org.edgeota.rollout.Stage;
import org.edgeota.rollout.TargetFilter;

/**
 * JSON forms of rollout definitions and snapshots (used by the database stores and {@link
 * org.edgeota.rollout.RolloutJson}), tag maps and string lists.
 */
public final class JsonCodec {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * Reads rollout definitions: a field given twice is an error, not "the last one wins", because an
   * operator who wrote two thresholds must not get the one they did not look at.
   */
  private final ObjectMapper strictReader =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * Writes a rollout definition; the format {@link #readSpec} reads (and the admin API accepts).
   *
   * @param spec the definition
   * @return JSON text
   */
  public String writeSpec(RolloutSpec spec) {
    return write(specNode(spec));
  }

  private ObjectNode specNode(RolloutSpec spec) {
    ObjectNode root = mapper.createObjectNode();
    root.put("id", spec.id());
    root.put("release", spec.release().toString());
    ObjectNode filter = root.putObject("filter");
    filter.set("deviceTypes", mapper.valueToTree(new TreeSet<>(spec.filter().deviceTypes())));
    filter.set("tags", mapper.valueToTree(new TreeMap<>(spec.filter().tags())));
    ArrayNode stages = root.putArray("stages");
    for (Stage s : spec.stages()) {
      ObjectNode n = stages.addObject();
      n.put("name", s.name());
      n.put("percent", s.percent());
      n.put("errorThresholdPercent", s.errorThresholdPercent());
      n.put("minReports", s.minReports());
      n.put("minSoak", s.minSoak().toString());
    }
    root.put("autoAdvance", spec.autoAdvance());
    if (spec.rollbackRelease() != null) {
      root.put("rollbackRelease", spec.rollbackRelease().toString());
    }
    root.put("autoRollback", spec.autoRollback());
    return root;
  }

  /**
   * Writes a rollout snapshot: its definition, state and stage.
   *
   * @param r the rollout
   * @return JSON text
   */
  public String writeRollout(Rollout r) {
    ObjectNode root = mapper.createObjectNode();
    root.set("spec", specNode(r.spec()));
    root.put("state", r.state().name());
    root.put("stageIndex", r.stageIndex());
    root.put("stage", r.stage().name());
    root.put("stageStartedAt", r.stageStartedAt() == null ? null : r.stageStartedAt().toString());
    root.put("reason", r.reason());
    root.put("rolledBackTo", r.rolledBackTo() == null ? null : r.rolledBackTo().toString());
    root.put("createdAt", r.createdAt().toString());
    root.put("revision", r.revision());
    return write(root);
  }

  /**
   * Reads a rollout definition strictly: unknown fields, fields given twice, missing required
   * fields and wrong types are rejected.
   *
   * @param json the JSON text
   * @return the validated definition
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} naming the field
   */
  public RolloutSpec readSpec(String json) {
    JsonNode root;
    try {
      root = strictReader.readTree(json);
    } catch (StreamReadException e) {
      String duplicate = duplicateField(e);
      if (duplicate != null) {
        throw new OtaException(
            ReasonCode.ROLLOUT_CONFIG_INVALID,
            duplicate,
            "rollout field '"
                + fieldPath(e, duplicate)
                + "': expected it once, found it twice in the same object");
      }
      throw invalid("(document)", null, "a JSON object, found unreadable text");
    } catch (JsonProcessingException e) {
      throw invalid("(document)", null, "a JSON object, found unreadable text");
    }
    object(root, "(document)", SPEC_FIELDS);
    List<Stage> stages = new ArrayList<>();
    JsonNode list = root.get("stages");
    if (list == null || !list.isArray()) {
      throw invalid("stages", list, "an array of stages");
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "stages[" + i + "]";
      JsonNode n = object(list.get(i), at, STAGE_FIELDS);
      stages.add(
          new Stage(
              text(n, at + ".name", true),
              number(n, at + ".percent"),
              number(n, at + ".errorThresholdPercent"),
              (int) integer(n, at + ".minReports"),
              duration(n, at + ".minSoak")));
    }
    Set<String> types = new HashSet<>();
    Map<String, String> tags = new TreeMap<>();
    JsonNode filter = root.get("filter");
    if (filter != null && !filter.isNull()) {
      readFilter(object(filter, "filter", FILTER_FIELDS), types, tags);
    }
    String rollback = text(root, "rollbackRelease", false);
    return new RolloutSpec(
        text(root, "id", true),
        version(text(root, "release", true), "release"),
        new TargetFilter(types, tags),
        stages,
        bool(root, "autoAdvance", true),
        rollback == null ? null : version(rollback, "rollbackRelease"),
        bool(root, "autoRollback", false));
  }

  private static void readFilter(JsonNode filter, Set<String> types, Map<String, String> tags) {
    JsonNode typeList = filter.get("deviceTypes");
    if (typeList != null) {
      if (!typeList.isArray()) {
        throw invalid("filter.deviceTypes", typeList, "an array of strings");
      }
      for (JsonNode t : typeList) {
        if (!t.isTextual()) {
          throw invalid("filter.deviceTypes", t, "an array of strings");
        }
        types.add(t.asText());
      }
    }
    JsonNode tagObject = filter.get("tags");
    if (tagObject != null) {
      if (!tagObject.isObject()) {
        throw invalid("filter.tags", tagObject, "an object of strings");
      }
      for (Map.Entry<String, JsonNode> e : tagObject.properties()) {
        if (!e.getValue().isTextual()) {
          throw invalid("filter.tags." + e.getKey(), e.getValue(), "a string");
        }
        tags.put(e.getKey(), e.getValue().asText());
      }
    }
  }

  private static final Set<String> SPEC_FIELDS =
      Set.of("id", "release", "filter", "stages", "autoAdvance", "rollbackRelease", "autoRollback");
  private static final Set<String> FILTER_FIELDS = Set.of("deviceTypes", "tags");
  private static final Set<String> STAGE_FIELDS =
      Set.of("name", "percent", "errorThresholdPercent", "minReports", "minSoak");

  private static JsonNode object(JsonNode node, String at, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw invalid(at, node, "an object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!allowed.contains(e.getKey())) {
        throw new OtaException(
            ReasonCode.ROLLOUT_CONFIG_INVALID,
            e.getKey(),
            "rollout field '"
                + at
                + "."
                + e.getKey()
                + "': expected one of "
                + new TreeSet<>(allowed)
                + ", found an unknown field");
      }
    }
    return node;
  }

  private static String text(JsonNode node, String field, boolean required) {
    String name = field.substring(field.lastIndexOf('.') + 1);
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalid(field, null, "a string");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(field, v, "a string");
    }
    return v.asText();
  }

  private static double number(JsonNode node, String field) {
    JsonNode v = node.get(field.substring(field.lastIndexOf('.') + 1));
    if (v == null || !v.isNumber()) {
      throw invalid(field, v, "a number");
    }
    return v.asDouble();
  }

  private static long integer(JsonNode node, String field) {
    JsonNode v = node.get(field.substring(field.lastIndexOf('.') + 1));
    if (v == null || !v.canConvertToInt()) {
      throw invalid(field, v, "an integer");
    }
    return v.asInt();
  }

  private static Duration duration(JsonNode node, String field) {
    String text = text(node, field, true);
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(field, text, "an ISO-8601 duration such as PT30M");
    }
  }

  private static boolean bool(JsonNode node, String field, boolean fallback) {
    JsonNode v = node.get(field);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw invalid(field, v, "true or false");
    }
    return v.asBoolean();
  }

  private static Version version(String text, String field) {
    try {
      return Version.parse(text);
    } catch (OtaException e) {
      throw invalid(field, text, "a semantic version");
    }
  }

  /** Returns the name Jackson reports as duplicated, or {@code null} for another read error. */
  private static String duplicateField(StreamReadException e) {
    String message = e.getOriginalMessage();
    if (message == null || !message.startsWith("Duplicate field '")) {
      return null;
    }
    int end = message.indexOf('\'', "Duplicate field '".length());
    return end < 0 ? null : message.substring("Duplicate field '".length(), end);
  }

  /** Returns where the duplicate sits, such as {@code stages[0].percent}. */
  private static String fieldPath(StreamReadException e, String name) {
    StringBuilder path = new StringBuilder();
    JsonStreamContext ctx = e.getProcessor() == null ? null : e.getProcessor().getParsingContext();
    for (; ctx != null && ctx.getParent() != null; ctx = ctx.getParent()) {
      JsonStreamContext parent = ctx.getParent();
      if (parent.inArray()) {
        path.insert(0, "[" + parent.getCurrentIndex() + "]");
      } else if (parent.inObject()) {
        path.insert(0, "." + parent.getCurrentName());
      }
    }
    path.append('.').append(name);
    return path.charAt(0) == '.' ? path.substring(1) : path.toString();
  }

  private static OtaException invalid(String field, Object value, String expected) {
    return new OtaException(
        ReasonCode.ROLLOUT_CONFIG_INVALID,
        value == null ? null : String.valueOf(value),
        "rollout field '" + field + "': expected " + expected + ", found " + value);
  }

  String writeMap(Map<String, String> map) {
    return write(mapper.valueToTree(map));
  }

  Map<String, String> readMap(String json) {
    return mapper.convertValue(read(json), MAP);
  }

  String writeList(List<String> list) {
    return write(mapper.valueToTree(list));
  }

  List<String> readList(String json) {
    return mapper.convertValue(read(json), LIST);
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new OtaException(ReasonCode.STORE_ERROR, null, "cannot encode a JSON column", e);
    }
  }

  private JsonNode read(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new OtaException(
          ReasonCode.STORE_ERROR,
          null,
          "stored JSON column: expected JSON, found unreadable text",
          e);
    }
  }
}
