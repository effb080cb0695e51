package org.edgeota.rollout.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.rollout.RolloutSpec;
import org.edgeota.rollout.Stage;
import org.edgeota.rollout.TargetFilter;

/** The JSON columns of the database stores: rollout specs, tag maps and string lists. */
final class JsonCodec {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  private final ObjectMapper mapper = new ObjectMapper();

  String writeSpec(RolloutSpec spec) {
    ObjectNode root = mapper.createObjectNode();
    root.put("id", spec.id());
    root.put("release", spec.release().toString());
    root.set("deviceTypes", mapper.valueToTree(List.copyOf(spec.filter().deviceTypes())));
    root.set("tags", mapper.valueToTree(spec.filter().tags()));
    ArrayNode stages = root.putArray("stages");
    for (Stage s : spec.stages()) {
      ObjectNode n = stages.addObject();
      n.put("name", s.name());
      n.put("percent", s.percent());
      n.put("errorThresholdPercent", s.errorThresholdPercent());
      n.put("minReports", s.minReports());
      n.put("minSoakMillis", s.minSoak().toMillis());
    }
    root.put("autoAdvance", spec.autoAdvance());
    if (spec.rollbackRelease() != null) {
      root.put("rollbackRelease", spec.rollbackRelease().toString());
    }
    root.put("autoRollback", spec.autoRollback());
    return write(root);
  }

  RolloutSpec readSpec(String json) {
    JsonNode root = read(json);
    List<Stage> stages = new ArrayList<>();
    for (JsonNode n : root.get("stages")) {
      stages.add(
          new Stage(
              n.get("name").asText(),
              n.get("percent").asDouble(),
              n.get("errorThresholdPercent").asDouble(),
              n.get("minReports").asInt(),
              Duration.ofMillis(n.get("minSoakMillis").asLong())));
    }
    Set<String> types = new HashSet<>();
    root.get("deviceTypes").forEach(t -> types.add(t.asText()));
    Map<String, String> tags = mapper.convertValue(root.get("tags"), MAP);
    JsonNode rollback = root.get("rollbackRelease");
    return new RolloutSpec(
        root.get("id").asText(),
        Version.parse(root.get("release").asText()),
        new TargetFilter(types, tags),
        stages,
        root.get("autoAdvance").asBoolean(),
        rollback == null ? null : Version.parse(rollback.asText()),
        root.get("autoRollback").asBoolean());
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
