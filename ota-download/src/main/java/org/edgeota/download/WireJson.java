package org.edgeota.download;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.api.wire.CheckRequest;
import org.edgeota.api.wire.CheckResponse;
import org.edgeota.api.wire.StatusAck;
import org.edgeota.api.wire.StatusReport;

/**
 * The JSON form of the device protocol's messages ({@link CheckRequest}, {@link CheckResponse},
 * {@link StatusReport}, {@link StatusAck}), shared by devices and controllers so that both sides
 * read and write the same mapping.
 *
 * <p>Mapping: record components become members of the same name; {@link Version}s are strings
 * ({@code "2.1.0-rc.1"}); {@link Instant}s are ISO-8601 strings in UTC ({@code
 * "2026-12-04T15:30:00Z"}); enums are their names; {@code null} members are left out on writing and
 * absent members read as {@code null} (or fail where the record requires the value). Reading is
 * strict where it protects the reader: duplicate keys, trailing content, numbers for enums, floats
 * for integers, {@code null} for primitives and documents over {@value #MAX_DOCUMENT_BYTES} bytes
 * are rejected. Unknown members are ignored so that a newer peer may add fields. The protocol is
 * described in {@code docs/protocol.md}.
 */
public final class WireJson {
  /** The largest document {@link #fromJson(byte[], Class)} accepts, in bytes. */
  public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

  private static final Set<Class<?>> MESSAGES =
      Set.of(CheckRequest.class, CheckResponse.class, StatusReport.class, StatusAck.class);
  private static final ObjectMapper MAPPER = newMapper();

  private WireJson() {}

  /**
   * Returns a new mapper configured for the wire messages, for callers that bind them in their own
   * HTTP stack; changing it does not affect this class.
   *
   * @return a new, configured mapper
   */
  public static ObjectMapper newMapper() {
    SimpleModule module = new SimpleModule("edgeota-wire");
    module.addSerializer(Version.class, ToStringSerializer.instance);
    module.addDeserializer(Version.class, new VersionDeserializer());
    module.addSerializer(Instant.class, ToStringSerializer.instance);
    module.addDeserializer(Instant.class, new InstantDeserializer());
    return JsonMapper.builder()
        .addModule(module)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }

  /**
   * Returns the JSON text of a wire message.
   *
   * @param message a {@link CheckRequest}, {@link CheckResponse}, {@link StatusReport} or {@link
   *     StatusAck}
   * @return compact JSON text
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for any other type
   */
  public static String toJson(Object message) {
    return new String(toJsonBytes(message), StandardCharsets.UTF_8);
  }

  /**
   * Returns the UTF-8 JSON bytes of a wire message.
   *
   * @param message a {@link CheckRequest}, {@link CheckResponse}, {@link StatusReport} or {@link
   *     StatusAck}
   * @return compact UTF-8 JSON
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for any other type
   */
  public static byte[] toJsonBytes(Object message) {
    if (message == null || !MESSAGES.contains(message.getClass())) {
      throw notAMessage(message == null ? "null" : message.getClass().getName());
    }
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new OtaException(
          ReasonCode.WIRE_MALFORMED,
          message.getClass().getSimpleName(),
          "wire message "
              + message.getClass().getSimpleName()
              + ": expected to serialize,"
              + " failed: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /**
   * Reads a wire message from JSON text.
   *
   * @param <T> the message type
   * @param json the JSON text
   * @param type one of the four message types
   * @return the message
   * @throws OtaException with {@link ReasonCode#WIRE_MALFORMED} naming the member and the problem
   *     when the text is not a valid message, {@link ReasonCode#INVALID_ARGUMENT} for another type
   */
  public static <T> T fromJson(String json, Class<T> type) {
    if (json == null) {
      throw malformed(type, "null", "a JSON document, found null", null);
    }
    return fromJson(json.getBytes(StandardCharsets.UTF_8), type);
  }

  /**
   * Reads a wire message from UTF-8 JSON bytes.
   *
   * @param <T> the message type
   * @param json the UTF-8 JSON bytes
   * @param type one of the four message types
   * @return the message
   * @throws OtaException with {@link ReasonCode#WIRE_MALFORMED} naming the member and the problem
   *     when the bytes are not a valid message, {@link ReasonCode#INVALID_ARGUMENT} for another
   *     type
   */
  public static <T> T fromJson(byte[] json, Class<T> type) {
    if (type == null || !MESSAGES.contains(type)) {
      throw notAMessage(type == null ? "null" : type.getName());
    }
    if (json == null) {
      throw malformed(type, "null", "a JSON document, found null", null);
    }
    if (json.length > MAX_DOCUMENT_BYTES) {
      throw malformed(
          type,
          String.valueOf(json.length),
          "at most " + MAX_DOCUMENT_BYTES + " bytes, found " + json.length,
          null);
    }
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw malformed(type, "null", "a JSON object, found null", null);
      }
      return value;
    } catch (JsonMappingException e) {
      String path =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      Throwable cause = e.getCause() instanceof OtaException oe ? oe : e;
      String problem =
          e.getCause() instanceof OtaException oe ? oe.getMessage() : e.getOriginalMessage();
      throw malformed(
          type, path, "member '" + path + "' to be valid, found a problem: " + problem, cause);
    } catch (IOException e) {
      String problem =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw malformed(type, null, "well-formed JSON, found: " + problem, e);
    }
  }

  private static OtaException malformed(
      Class<?> type, String value, String expectation, Throwable cause) {
    String name = type == null ? "message" : type.getSimpleName();
    return new OtaException(
        ReasonCode.WIRE_MALFORMED,
        value,
        "wire message " + name + ": expected " + expectation,
        cause);
  }

  private static OtaException notAMessage(String found) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        found,
        "wire message type: expected CheckRequest, CheckResponse, StatusReport or StatusAck,"
            + " found "
            + found);
  }

  /** Reads a JSON string into a value; any other token is refused the Jackson way. */
  private abstract static class FromString<T> extends JsonDeserializer<T> {
    private final Class<T> type;

    FromString(Class<T> type) {
      this.type = type;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return type.cast(ctxt.handleUnexpectedToken(type, p));
      }
      return parse(p);
    }

    abstract T parse(JsonParser p) throws IOException;
  }

  private static final class VersionDeserializer extends FromString<Version> {
    VersionDeserializer() {
      super(Version.class);
    }

    @Override
    Version parse(JsonParser p) throws IOException {
      try {
        return Version.parse(p.getText());
      } catch (OtaException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }

  private static final class InstantDeserializer extends FromString<Instant> {
    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    Instant parse(JsonParser p) throws IOException {
      try {
        return Instant.parse(p.getText());
      } catch (DateTimeParseException e) {
        throw JsonMappingException.from(
            p,
            "expected an ISO-8601 instant such as 2026-12-04T15:30:00Z, found '"
                + p.getText()
                + "'",
            e);
      }
    }
  }
}
