package org.edgeota.samples.controller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.edgeota.api.Version;

/** The JSON mapping of the admin API: records as objects, versions as strings, ISO-8601 times. */
final class AdminJson {
  private AdminJson() {}

  /** Returns a mapper for admin documents; strict about unknown fields of requests. */
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
        .build();
  }
}
