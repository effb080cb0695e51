package org.edgeota.manifest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.ManifestSignature;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.TrustedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, writes and counts the {@code signatures} member shared by manifests and trust stores.
 *
 * <p>Design notes: a signature counts only if its key id is trusted, its algorithm is the trusted
 * key's algorithm, and it verifies over the canonical bytes; each key counts once however often it
 * appears. An absent member reads as "no signatures" so that an unsigned manifest can be signed; a
 * JSON {@code null} member or an empty value is refused outright.
 */
public final class Signatures {
  /** Name of the member holding the signatures. */
  public static final String MEMBER = "signatures";

  private static final Logger LOG = LoggerFactory.getLogger(Signatures.class);
  private static final int MAX_SIGNATURES = 64;
  private static final Set<String> ENTRY_FIELDS = Set.of("keyId", "algorithm", "value");

  private Signatures() {}

  /**
   * Reads the signatures of a document.
   *
   * @param root the document root
   * @param document the document kind, for messages
   * @return the signatures in document order; empty if the member is absent
   * @throws OtaException with {@link ReasonCode#SIGNATURE_MISSING} for {@code null} or an empty
   *     value, {@link ReasonCode#SIGNATURE_INVALID} for a malformed entry
   */
  public static List<ManifestSignature> read(JsonNode root, String document) {
    JsonNode member = root.get(MEMBER);
    if (member == null) {
      return List.of();
    }
    if (member.isNull() || (member.isTextual() && member.textValue().isEmpty())) {
      String found = member.isNull() ? "null" : "an empty string";
      throw new OtaException(
          ReasonCode.SIGNATURE_MISSING,
          member.isNull() ? "null" : "",
          document + " field 'signatures': expected an array of signatures, found " + found);
    }
    Fields rootFields = Fields.root(root, document);
    List<JsonNode> entries = rootFields.array(MEMBER, 0, MAX_SIGNATURES);
    List<ManifestSignature> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      String path = MEMBER + "[" + i + "]";
      Fields f = Fields.object(entries.get(i), document, path);
      f.rejectUnknown(ENTRY_FIELDS);
      JsonNode value = f.raw("value");
      if (value.isNull() || (value.isTextual() && value.textValue().isEmpty())) {
        throw new OtaException(
            ReasonCode.SIGNATURE_MISSING,
            value.isNull() ? "null" : "",
            document
                + " field '"
                + path
                + ".value': expected a base64 signature, found "
                + (value.isNull() ? "null" : "an empty string"));
      }
      String keyId = f.sha256("keyId");
      SignatureAlgorithm algorithm = SignatureAlgorithm.fromWireName(f.string("algorithm"));
      String text = f.string("value");
      try {
        Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new OtaException(
            ReasonCode.SIGNATURE_INVALID,
            text,
            document
                + " field '"
                + path
                + ".value': expected standard base64, found '"
                + text
                + "'",
            e);
      }
      out.add(new ManifestSignature(keyId, algorithm, text));
    }
    return List.copyOf(out);
  }

  /**
   * Writes signatures as a JSON array.
   *
   * @param signatures the signatures
   * @return the array node
   */
  public static ArrayNode write(List<ManifestSignature> signatures) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (ManifestSignature s : signatures) {
      ObjectNode o = array.addObject();
      o.put("keyId", s.keyId());
      o.put("algorithm", s.algorithm().wireName());
      o.put("value", s.value());
    }
    return array;
  }

  /**
   * Returns a signature list with one signature added, replacing an earlier one by the same key.
   *
   * @param existing the current list
   * @param added the new signature
   * @return the new list
   */
  public static List<ManifestSignature> with(
      List<ManifestSignature> existing, ManifestSignature added) {
    List<ManifestSignature> out = new ArrayList<>();
    for (ManifestSignature s : existing) {
      if (!s.keyId().equals(added.keyId())) {
        out.add(s);
      }
    }
    out.add(added);
    return List.copyOf(out);
  }

  /**
   * Counts valid signatures by distinct trusted keys and checks the threshold.
   *
   * @param canonical the signed bytes
   * @param signatures the signatures found in the document
   * @param trusted the trusted keys by id
   * @param threshold how many distinct keys must have signed
   * @param document the document kind, for messages
   * @param failure the reason code to use when too few keys signed
   * @return the ids of the keys whose signatures verified
   * @throws OtaException with {@link ReasonCode#SIGNATURE_MISSING} when there are none, {@link
   *     ReasonCode#KEY_UNKNOWN} when no signature names a trusted key, {@link
   *     ReasonCode#SIGNATURE_INVALID} when no trusted key's signature verifies, or {@code failure}
   *     when some verified but fewer than the threshold
   */
  public static Set<String> verify(
      byte[] canonical,
      List<ManifestSignature> signatures,
      Map<String, TrustedKey> trusted,
      int threshold,
      String document,
      ReasonCode failure) {
    if (signatures.isEmpty()) {
      throw new OtaException(
          ReasonCode.SIGNATURE_MISSING,
          "[]",
          document + ": expected at least " + threshold + " signature(s), found none");
    }
    Set<String> valid = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (ManifestSignature s : signatures) {
      TrustedKey key = trusted.get(s.keyId());
      if (key == null) {
        unknown.add(s.keyId());
        continue;
      }
      boolean ok =
          key.algorithm() == s.algorithm()
              && Crypto.verify(key.algorithm(), key.publicKey(), canonical, decode(s.value()));
      if (ok) {
        valid.add(s.keyId());
      } else {
        invalid.add(s.keyId());
      }
    }
    if (!invalid.isEmpty()) {
      LOG.warn("{}: signature(s) by trusted key(s) {} do not verify", document, invalid);
    }
    if (valid.size() >= threshold) {
      return Set.copyOf(valid);
    }
    if (valid.isEmpty() && invalid.isEmpty()) {
      throw new OtaException(
          ReasonCode.KEY_UNKNOWN,
          String.join(",", unknown),
          document + ": expected signatures by trusted keys, found only unknown key(s) " + unknown);
    }
    if (valid.isEmpty()) {
      throw new OtaException(
          ReasonCode.SIGNATURE_INVALID,
          String.join(",", invalid),
          document
              + ": expected a valid signature, found signature(s) by "
              + invalid
              + " that do not verify over the signed content");
    }
    throw new OtaException(
        failure,
        Integer.toString(valid.size()),
        document
            + ": expected valid signatures by at least "
            + threshold
            + " distinct trusted key(s), found "
            + valid.size()
            + " "
            + valid
            + (invalid.isEmpty() ? "" : "; not verifying: " + invalid)
            + (unknown.isEmpty() ? "" : "; unknown: " + unknown));
  }

  private static byte[] decode(String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
