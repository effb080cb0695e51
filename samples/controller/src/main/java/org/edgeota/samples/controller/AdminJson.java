package org.edgeota.samples.controller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;

/**
 * The JSON mapping of the admin API: records as objects, versions as strings, ISO-8601 times; and
 * the strict reader of admin request bodies.
 */
final class AdminJson {
  private static final int SNIPPET = 24;

  private AdminJson() {}

  /**
   * Returns a mapper for admin documents; strict about unknown fields, repeated fields and content
   * after the document.
   */
  static ObjectMapper mapper() {
    SimpleModule versions = new SimpleModule("edgeota-versions");
    versions.addSerializer(
        Version.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Version v, JsonGenerator g, SerializerProvider p)
              throws IOException {
            g.writeString(v.toString());
          }
        });
    versions.addDeserializer(
        Version.class,
        new JsonDeserializer<>() {
          @Override
          public Version deserialize(JsonParser parser, DeserializationContext ctx)
              throws IOException {
            return Version.parse(parser.getValueAsString());
          }
        });
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(versions)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /**
   * Reads a request body that must be exactly one JSON object, each field at most once, nothing
   * after it, and (when {@code allowed} is not {@code null}) no field outside {@code allowed}.
   *
   * <p>Errors name the field or the text found and its line and column, never the parser's
   * internals.
   *
   * @param mapper a mapper from {@link #mapper()}
   * @param body the request body
   * @param reason the reason code of a refusal, such as {@link ReasonCode#INVALID_ARGUMENT}
   * @param allowed the field names allowed at the top level, or {@code null} for any
   * @return the object
   * @throws OtaException with {@code reason} for an empty body, malformed JSON, a repeated field,
   *     trailing content, a document that is not an object or an unknown field
   */
  static ObjectNode readObject(
      ObjectMapper mapper, byte[] body, ReasonCode reason, Set<String> allowed) {
    JsonNode node;
    try (JsonParser parser = mapper.createParser(body)) {
      node = readDocument(mapper, parser, body, reason);
      JsonToken trailing = nextToken(parser, body, reason, true);
      if (trailing != null) {
        throw trailing(parser.currentTokenLocation(), body, reason);
      }
    } catch (IOException e) {
      throw new OtaException(
          reason, null, "request body: expected a JSON object, found an unreadable body", e);
    }
    if (node == null || node.isMissingNode()) {
      throw new OtaException(
          reason, "", "request body: expected a JSON object, found an empty body");
    }
    if (!(node instanceof ObjectNode object)) {
      String found = node.toString();
      throw new OtaException(
          reason,
          found,
          "request body: expected a JSON object, found " + node.getNodeType() + " " + clip(found));
    }
    if (allowed != null) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        if (!allowed.contains(e.getKey())) {
          throw new OtaException(
              reason,
              e.getKey(),
              "request field '"
                  + e.getKey()
                  + "': expected one of "
                  + new TreeSet<>(allowed)
                  + ", found an unknown field");
        }
      }
    }
    return object;
  }

  private static JsonNode readDocument(
      ObjectMapper mapper, JsonParser parser, byte[] body, ReasonCode reason) throws IOException {
    try {
      return mapper.readTree(parser);
    } catch (StreamReadException e) {
      throw syntax(e, parser, body, reason, false);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // FAIL_ON_READING_DUP_TREE_KEY reports a repeated field at the tree level.
      String name = quotedName(e.getOriginalMessage());
      if (name != null && e.getOriginalMessage().startsWith("Duplicate")) {
        throw duplicate(name, reason);
      }
      if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing")) {
        // FAIL_ON_TRAILING_TOKENS: the parser stands on the first token after the object.
        throw trailing(parser.currentTokenLocation(), body, reason);
      }
      throw new OtaException(
          reason, null, "request body: expected a JSON object, found malformed JSON", e);
    }
  }

  private static JsonToken nextToken(
      JsonParser parser, byte[] body, ReasonCode reason, boolean trailing) throws IOException {
    try {
      return parser.nextToken();
    } catch (StreamReadException e) {
      throw syntax(e, parser, body, reason, trailing);
    }
  }

  private static OtaException syntax(
      StreamReadException e, JsonParser parser, byte[] body, ReasonCode reason, boolean trailing) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (original.startsWith("Duplicate")) {
      String name = parser.getParsingContext().getCurrentName();
      return duplicate(name != null ? name : quotedName(original), reason);
    }
    if (trailing) {
      return trailing(e.getLocation(), body, reason);
    }
    JsonLocation at = e.getLocation();
    String found = snippet(at, body, true);
    return new OtaException(
        reason,
        found,
        "request body: expected well-formed JSON, found "
            + (found.isEmpty() ? "the end of the body" : "'" + found + "'")
            + where(at));
  }

  private static OtaException duplicate(String name, ReasonCode reason) {
    return new OtaException(
        reason, name, "request field '" + name + "': expected at most once, found it repeated");
  }

  private static OtaException trailing(JsonLocation at, byte[] body, ReasonCode reason) {
    String found = snippet(at, body, false);
    return new OtaException(
        reason,
        found,
        "request body: expected nothing after the JSON object, found '" + found + "'" + where(at));
  }

  private static String where(JsonLocation at) {
    return at == null || at.getLineNr() < 1
        ? ""
        : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * Returns the text of the body at a location: for a syntax error ({@code token}) the word or
   * single character the parser stopped at (stepping back to the start of a word it had begun, such
   * as {@code tru}); otherwise at most {@link #SNIPPET} bytes from there.
   */
  private static String snippet(JsonLocation at, byte[] body, boolean token) {
    long offset = at == null ? -1 : at.getByteOffset();
    if (offset < 0 || offset >= body.length) {
      return "";
    }
    int start = (int) offset;
    if (!token) {
      int end = (int) Math.min(body.length, start + (long) SNIPPET);
      return new String(Arrays.copyOfRange(body, start, end), StandardCharsets.UTF_8).strip();
    }
    while (start > 0 && start > offset - SNIPPET && wordByte(body[start - 1])) {
      start--;
    }
    int end = start;
    while (end < body.length && end < start + SNIPPET && wordByte(body[end])) {
      end++;
    }
    if (end == start) {
      end = start + 1;
    }
    return new String(Arrays.copyOfRange(body, start, end), StandardCharsets.UTF_8).strip();
  }

  private static boolean wordByte(byte b) {
    return !Character.isWhitespace(b) && "{}[],:\"".indexOf(b) < 0;
  }

  private static String clip(String s) {
    return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
  }

  private static String quotedName(String message) {
    if (message == null) {
      return null;
    }
    int a = message.indexOf('\'');
    int b = a < 0 ? -1 : message.indexOf('\'', a + 1);
    return b < 0 ? null : message.substring(a + 1, b);
  }
}
