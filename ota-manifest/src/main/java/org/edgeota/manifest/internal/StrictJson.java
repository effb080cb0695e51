package org.edgeota.manifest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * Strict JSON reading for signed documents: the size is capped before any parsing, duplicate member
 * names, trailing data, comments, NaN and other lenient forms are rejected, and nesting is bounded.
 */
public final class StrictJson {
  /** Default cap of a manifest or trust store document: 1 MiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 20;

  private static final int MAX_DEPTH = 32;
  private static final int MAX_NUMBER_LENGTH = 64;
  private static final int MAX_STRING_LENGTH = 1 << 16;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(MAX_STRING_LENGTH)
                          .build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private StrictJson() {}

  /**
   * Parses a document after checking its size.
   *
   * @param json the document
   * @param maxBytes the largest accepted size
   * @param what the document kind, for messages ("manifest", "trust store")
   * @return the parsed tree, never {@code null}
   * @throws OtaException with {@link ReasonCode#MANIFEST_TOO_LARGE} or {@link
   *     ReasonCode#MANIFEST_MALFORMED}
   */
  public static JsonNode parse(byte[] json, long maxBytes, String what) {
    if (json == null || json.length == 0) {
      throw new OtaException(
          ReasonCode.MANIFEST_MALFORMED, "", what + ": expected a JSON object, found no bytes");
    }
    if (json.length > maxBytes) {
      throw tooLarge(json.length, maxBytes, what);
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        String found = node == null ? "nothing" : node.getNodeType().toString().toLowerCase();
        throw new OtaException(
            ReasonCode.MANIFEST_MALFORMED,
            found,
            what + ": expected a JSON object, found " + found);
      }
      return node;
    } catch (JsonProcessingException e) {
      String detail = e.getOriginalMessage();
      throw new OtaException(
          ReasonCode.MANIFEST_MALFORMED,
          detail,
          what + ": expected strict JSON (no duplicate keys, no trailing data), found: " + detail,
          e);
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, null, what + ": cannot parse: " + e, e);
    }
  }

  /**
   * Reads a file whose size is checked before its content is read.
   *
   * @param file the file; a symbolic link is refused
   * @param maxBytes the largest accepted size
   * @param what the document kind, for messages
   * @return the file's bytes
   * @throws OtaException with {@link ReasonCode#MANIFEST_TOO_LARGE} or {@link ReasonCode#IO_ERROR}
   */
  public static byte[] readCapped(Path file, long maxBytes, String what) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new OtaException(
            ReasonCode.IO_ERROR,
            file.toString(),
            what + ": expected a regular file, found none at '" + file + "'");
      }
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
          throw tooLarge(Files.size(file), maxBytes, what);
        }
        return bytes;
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), what + ": cannot read '" + file + "': " + e, e);
    }
  }

  private static OtaException tooLarge(long size, long maxBytes, String what) {
    return new OtaException(
        ReasonCode.MANIFEST_TOO_LARGE,
        Long.toString(size),
        what + ": expected at most " + maxBytes + " bytes, found " + size);
  }

  /**
   * Returns the shared, configured mapper (thread-safe once configured).
   *
   * @return the mapper
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Serializes a tree as indented JSON in UTF-8.
   *
   * @param node the tree
   * @return the bytes, ending in a newline
   */
  public static byte[] pretty(JsonNode node) {
    try {
      byte[] body = MAPPER.writeValueAsBytes(node);
      byte[] out = new byte[body.length + 1];
      System.arraycopy(body, 0, out, 0, body.length);
      out[body.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
