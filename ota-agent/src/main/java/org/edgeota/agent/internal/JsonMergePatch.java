package org.edgeota.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396): applying a patch, and computing the patch between two documents.
 *
 * <p>Note: a merge patch cannot express an object member whose value is {@code null} (that means
 * "remove"), so {@link #diff} of documents holding explicit {@code null} members is lossy for those
 * members, as the RFC itself states.
 */
public final class JsonMergePatch {
  private JsonMergePatch() {}

  /**
   * Applies a merge patch to a document, without modifying either.
   *
   * @param target the document; {@code null} or a missing node stands for "absent"
   * @param patch the patch
   * @return the patched document
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isNull()) {
        result.remove(f.getKey());
      } else {
        result.set(f.getKey(), apply(result.get(f.getKey()), f.getValue()));
      }
    }
    return result;
  }

  /**
   * Computes a merge patch that turns one document into another.
   *
   * @param source the document before
   * @param target the document after
   * @return a patch {@code p} with {@code apply(source, p)} equal to {@code target}; an empty
   *     object when both are equal objects
   */
  public static JsonNode diff(JsonNode source, JsonNode target) {
    if (!source.isObject() || !target.isObject()) {
      return source.equals(target) && source.isObject()
          ? JsonNodeFactory.instance.objectNode()
          : target.deepCopy();
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    Iterator<String> names = source.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!target.has(n)) {
        patch.putNull(n);
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = target.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode before = source.get(f.getKey());
      if (before == null) {
        patch.set(f.getKey(), f.getValue().deepCopy());
      } else if (before.isObject() && f.getValue().isObject()) {
        JsonNode sub = diff(before, f.getValue());
        if (sub.size() > 0) {
          patch.set(f.getKey(), sub);
        }
      } else if (!before.equals(f.getValue())) {
        patch.set(f.getKey(), f.getValue().deepCopy());
      }
    }
    return patch;
  }
}
