package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;

/**
 * Typed, strict access to the members of one JSON object, with errors that name the full field path
 * (for example {@code components[1].deltas[0].size}) and the offending value.
 */
public final class Fields {
  /** Largest integer a JSON number carries exactly in every implementation (2^53 - 1). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final Pattern INSTANT =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_VALUE_SHOWN = 80;

  private final JsonNode node;
  private final String document;
  private final String path;

  private Fields(JsonNode node, String document, String path) {
    this.node = node;
    this.document = document;
    this.path = path;
  }

  /**
   * Wraps the root object of a document.
   *
   * @param node the root
   * @param document the document kind, for messages
   * @return the accessor
   */
  public static Fields root(JsonNode node, String document) {
    return new Fields(node, document, "");
  }

  /**
   * Wraps a nested value that must be an object.
   *
   * @param value the value
   * @param document the document kind
   * @param path the field path of the value
   * @return the accessor
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} if the value is not an object
   */
  public static Fields object(JsonNode value, String document, String path) {
    if (value == null || !value.isObject()) {
      throw new Fields(null, document, "").wrongType(path, "an object", value);
    }
    return new Fields(value, document, path);
  }

  /**
   * Rejects members not in the allowed set.
   *
   * @param allowed the member names this object may have
   * @throws OtaException with {@link ReasonCode#MANIFEST_MALFORMED} naming the first unknown member
   */
  public void rejectUnknown(Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new OtaException(
            ReasonCode.MANIFEST_MALFORMED,
            name,
            document
                + " field '"
                + child(name)
                + "': expected one of "
                + allowed
                + ", found unknown member '"
                + show(name)
                + "'");
      }
    }
  }

  /**
   * Returns the full path of a member.
   *
   * @param name the member name
   * @return for example {@code components[0].size}
   */
  public String child(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /**
   * Tells whether a member is present (even if {@code null}).
   *
   * @param name the member name
   * @return {@code true} if present
   */
  public boolean has(String name) {
    return node.has(name);
  }

  /**
   * Returns a member value, failing if it is absent.
   *
   * @param name the member name
   * @return the value, possibly a JSON {@code null} node
   */
  public JsonNode raw(String name) {
    JsonNode v = node.get(name);
    if (v == null) {
      throw new OtaException(
          ReasonCode.MANIFEST_MALFORMED,
          null,
          document + " field '" + child(name) + "': expected a value, found the field missing");
    }
    return v;
  }

  /**
   * Returns a required non-empty string without control characters.
   *
   * @param name the member name
   * @return the string
   */
  public String string(String name) {
    JsonNode v = raw(name);
    if (!v.isTextual()) {
      throw wrongType(child(name), "a string", v);
    }
    String s = v.textValue();
    if (s.isEmpty() || s.length() > 4096 || hasControl(s)) {
      throw invalid(name, s, "a non-empty string of at most 4096 chars without control chars");
    }
    return s;
  }

  /**
   * Returns a required integer within a range.
   *
   * @param name the member name
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @return the value
   */
  public long integer(String name, long min, long max) {
    JsonNode v = raw(name);
    if (!v.isIntegralNumber()) {
      throw wrongType(child(name), "an integer", v);
    }
    if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      throw invalid(name, v.asText(), "an integer from " + min + " to " + max);
    }
    return v.longValue();
  }

  /**
   * Returns a required boolean.
   *
   * @param name the member name
   * @return the value
   */
  public boolean bool(String name) {
    JsonNode v = raw(name);
    if (!v.isBoolean()) {
      throw wrongType(child(name), "true or false", v);
    }
    return v.booleanValue();
  }

  /**
   * Returns an optional boolean, {@code false} when absent; JSON {@code null} is refused.
   *
   * @param name the member name
   * @return the value
   */
  public boolean optionalBool(String name) {
    return has(name) && bool(name);
  }

  /**
   * Returns a required array.
   *
   * @param name the member name
   * @param minSize the fewest elements allowed
   * @param maxSize the most elements allowed
   * @return the elements
   */
  public List<JsonNode> array(String name, int minSize, int maxSize) {
    JsonNode v = raw(name);
    if (!v.isArray()) {
      throw wrongType(child(name), "an array", v);
    }
    if (v.size() < minSize || v.size() > maxSize) {
      throw invalid(
          name, v.size() + " elements", "an array of " + minSize + " to " + maxSize + " elements");
    }
    List<JsonNode> out = new ArrayList<>(v.size());
    v.forEach(out::add);
    return out;
  }

  /**
   * Returns a required UTC instant written as {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}.
   *
   * @param name the member name
   * @return the instant
   */
  public Instant instant(String name) {
    String s = string(name);
    if (INSTANT.matcher(s).matches()) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        // falls through to the error below
      }
    }
    throw invalid(name, s, "a UTC instant like 2026-01-30T10:00:00Z");
  }

  /**
   * Returns a required semantic version.
   *
   * @param name the member name
   * @return the version
   */
  public Version version(String name) {
    String s = string(name);
    try {
      return Version.parse(s);
    } catch (OtaException e) {
      throw new OtaException(
          ReasonCode.MANIFEST_FIELD_INVALID,
          s,
          document
              + " field '"
              + child(name)
              + "': expected a semantic version, found '"
              + show(s)
              + "'",
          e);
    }
  }

  /**
   * Returns a required lower-case hex SHA-256.
   *
   * @param name the member name
   * @return 64 lower-case hex characters
   */
  public String sha256(String name) {
    JsonNode v = raw(name);
    if (!v.isTextual()) {
      throw wrongType(child(name), "a string", v);
    }
    if (!Hex.isSha256(v.textValue())) {
      throw invalid(name, v.textValue(), "64 lower-case hex digits (SHA-256)");
    }
    return v.textValue();
  }

  /**
   * Returns a required plain file name: no path separators, no {@code ..}, no control characters,
   * no drive prefix, at most 255 characters.
   *
   * @param name the member name
   * @return the file name
   */
  public String fileName(String name) {
    JsonNode v = raw(name);
    if (!v.isTextual()) {
      throw wrongType(child(name), "a string", v);
    }
    String s = v.textValue();
    if (!isSafeName(s)) {
      throw invalid(
          name,
          s,
          "a plain file name (no '/', '\\', ':', '..', control or format chars, 1-255 UTF-8"
              + " bytes)");
    }
    return s;
  }

  /**
   * Tells whether text is a safe plain file name.
   *
   * @param s the text
   * @return {@code true} if it may name a file inside a release directory
   */
  public static boolean isSafeName(String s) {
    return s != null
        && !s.isEmpty()
        && s.length() <= MAX_NAME_LENGTH
        && s.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_LENGTH
        && !s.contains("/")
        && !s.contains("\\")
        && !s.contains(":")
        && !s.contains("..")
        && !s.equals(".")
        && !hasHiddenOrControl(s);
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether text holds a character that must not appear in a name: C0 and C1 controls, and
   * invisible or layout-changing characters (Unicode format characters such as the right-to-left
   * override U+202E, which makes a listed name read differently from the file it names; line and
   * paragraph separators, which split a name across lines of a log; unpaired surrogates).
   */
  private static boolean hasHiddenOrControl(String s) {
    if (hasControl(s)) {
      return true;
    }
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates the error for a value outside its allowed range or form.
   *
   * @param name the member name
   * @param value the offending value
   * @param expected what was expected
   * @return the exception
   */
  public OtaException invalid(String name, String value, String expected) {
    return new OtaException(
        ReasonCode.MANIFEST_FIELD_INVALID,
        value,
        document
            + " field '"
            + child(name)
            + "': expected "
            + expected
            + ", found '"
            + show(value)
            + "'");
  }

  private OtaException wrongType(String fullPath, String expected, JsonNode v) {
    String found = v == null ? "nothing" : v.getNodeType().toString().toLowerCase() + " " + v;
    return new OtaException(
        ReasonCode.MANIFEST_MALFORMED,
        v == null ? null : show(v.toString()),
        document + " field '" + fullPath + "': expected " + expected + ", found " + show(found));
  }

  /**
   * Returns a document's value as it may appear in a message: at most 80 characters, with control
   * characters and invisible formatting characters (such as a right-to-left override or a
   * zero-width space, which could make a terminal show misleading text) written as a {@code \\u}
   * escape of four hexadecimal digits.
   *
   * @param value the value, or {@code null}
   * @return the text to show
   */
  public static String show(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && i < MAX_VALUE_SHOWN; i++) {
      char c = value.charAt(i);
      boolean hidden =
          Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || c == '\u2028'
              || c == '\u2029';
      sb.append(hidden ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return value.length() > MAX_VALUE_SHOWN ? sb + "..." : sb.toString();
  }
}
