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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.ManifestSignature;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.TrustedKey;
import org.edgeota.manifest.UnverifiableSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, writes and counts the {@code signatures} member shared by manifests and trust stores.
 *
 * <p>Design notes: a signature counts only if its key id is trusted, its algorithm is the trusted
 * key's algorithm, and it verifies over the canonical bytes; each key counts once however often it
 * appears. An absent member reads as "no signatures" so that an unsigned manifest can be signed; a
 * JSON {@code null} member or an empty value is refused outright.
 *
 * <p>Forward compatibility: an entry whose algorithm name is well formed but unknown to this
 * version is read as an {@link UnverifiableSignature} instead of failing the whole document, so
 * that a fleet can add signatures of a newer algorithm beside the old ones without breaking older
 * agents. Such entries travel in a separate list that the counting loop never sees, so they cannot
 * count toward a threshold by construction; a document signed only by them fails like one with too
 * few valid signatures.
 */
public final class Signatures {
  /** Name of the member holding the signatures. */
  public static final String MEMBER = "signatures";

  private static final Logger LOG = LoggerFactory.getLogger(Signatures.class);
  private static final int MAX_SIGNATURES = 64;
  private static final Set<String> ENTRY_FIELDS = Set.of("keyId", "algorithm", "value");

  /**
   * Form of an algorithm name this version does not know but accepts: a signature with such a name
   * is kept as unverifiable, a trust store key with such a name as unusable.
   */
  public static final Pattern ALGORITHM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

  private Signatures() {}

  /**
   * The signature entries of a document, split by whether this version can verify them.
   *
   * @param known the entries with a known algorithm, in document order
   * @param unverifiable the entries with an unknown algorithm, in document order
   */
  public record Entries(List<ManifestSignature> known, List<UnverifiableSignature> unverifiable) {
    /** Copies both lists. */
    public Entries {
      known = List.copyOf(known);
      unverifiable = List.copyOf(unverifiable);
    }
  }

  /**
   * Reads the signatures of a document.
   *
   * <p>An entry whose algorithm name is well formed but unknown to this version is kept as an
   * {@link UnverifiableSignature} and logged at WARN; its other fields are checked like those of
   * any entry.
   *
   * @param root the document root
   * @param document the document kind, for messages
   * @return the signatures in document order; empty if the member is absent
   * @throws OtaException with {@link ReasonCode#SIGNATURE_MISSING} for {@code null} or an empty
   *     value, {@link ReasonCode#SIGNATURE_INVALID} for a malformed entry (an algorithm name that
   *     is not a plain name included)
   */
  public static Entries read(JsonNode root, String document) {
    JsonNode member = root.get(MEMBER);
    if (member == null) {
      return new Entries(List.of(), List.of());
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
    List<ManifestSignature> known = new ArrayList<>(entries.size());
    List<UnverifiableSignature> unverifiable = new ArrayList<>();
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
      String name = f.string("algorithm");
      Optional<SignatureAlgorithm> algorithm = SignatureAlgorithm.lookup(name);
      if (algorithm.isEmpty() && !ALGORITHM_NAME.matcher(name).matches()) {
        throw new OtaException(
            ReasonCode.SIGNATURE_INVALID,
            Fields.show(name),
            document
                + " field '"
                + path
                + ".algorithm': expected 'ed25519', 'ecdsa-p256-sha256' or another algorithm name"
                + " matching "
                + ALGORITHM_NAME
                + ", found '"
                + Fields.show(name)
                + "'");
      }
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
      if (algorithm.isPresent()) {
        known.add(new ManifestSignature(keyId, algorithm.get(), text));
      } else {
        LOG.warn(
            "{} field '{}': signature by key {} uses algorithm '{}', which this version does not"
                + " know; kept as unverifiable, it does not count toward any threshold",
            document,
            path,
            keyId,
            name);
        unverifiable.add(new UnverifiableSignature(keyId, name, text));
      }
    }
    return new Entries(known, unverifiable);
  }

  /**
   * Writes signatures as a JSON array.
   *
   * @param signatures the signatures
   * @return the array node
   */
  public static ArrayNode write(List<ManifestSignature> signatures) {
    return write(signatures, List.of());
  }

  /**
   * Writes signatures as a JSON array: those of known algorithms first, then the unverifiable ones.
   *
   * @param signatures the signatures of known algorithms
   * @param unverifiable the signatures of unknown algorithms
   * @return the array node
   */
  public static ArrayNode write(
      List<ManifestSignature> signatures, List<UnverifiableSignature> unverifiable) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (ManifestSignature s : signatures) {
      ObjectNode o = array.addObject();
      o.put("keyId", s.keyId());
      o.put("algorithm", s.algorithm().wireName());
      o.put("value", s.value());
    }
    for (UnverifiableSignature s : unverifiable) {
      ObjectNode o = array.addObject();
      o.put("keyId", s.keyId());
      o.put("algorithm", s.algorithm());
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
   * <p>Unverifiable signatures (unknown algorithms) never count. They change the outcome in one
   * case only: when they are all a document has, it fails with {@code failure} (too few valid
   * signatures, naming what was found) instead of {@link ReasonCode#SIGNATURE_MISSING}.
   *
   * @param canonical the signed bytes
   * @param signatures the signatures of known algorithms found in the document
   * @param unverifiable the signatures of unknown algorithms found in the document
   * @param trusted the trusted keys by id
   * @param threshold how many distinct keys must have signed
   * @param document the document kind, for messages
   * @param failure the reason code to use when too few keys signed
   * @return the ids of the keys whose signatures verified
   * @throws OtaException with {@link ReasonCode#SIGNATURE_MISSING} when there are none at all,
   *     {@code failure} when there are only unverifiable ones, {@link ReasonCode#KEY_UNKNOWN} when
   *     no signature of a known algorithm names a trusted key, {@link ReasonCode#SIGNATURE_INVALID}
   *     when no trusted key's signature verifies, or {@code failure} when some verified but fewer
   *     than the threshold
   */
  public static Set<String> verify(
      byte[] canonical,
      List<ManifestSignature> signatures,
      List<UnverifiableSignature> unverifiable,
      Map<String, TrustedKey> trusted,
      int threshold,
      String document,
      ReasonCode failure) {
    if (signatures.isEmpty() && unverifiable.isEmpty()) {
      throw new OtaException(
          ReasonCode.SIGNATURE_MISSING,
          "[]",
          document + ": expected at least " + threshold + " signature(s), found none");
    }
    List<String> unusable = describe(unverifiable);
    String unusableNote = unusable.isEmpty() ? "" : "; unknown algorithm: " + unusable;
    if (signatures.isEmpty()) {
      throw new OtaException(
          failure,
          String.join(",", unusable),
          document
              + ": expected valid signatures by at least "
              + threshold
              + " distinct trusted key(s), found 0: only signature(s) with an algorithm this"
              + " version cannot verify "
              + unusable);
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
          document
              + ": expected signatures by trusted keys, found only unknown key(s) "
              + unknown
              + unusableNote);
    }
    if (valid.isEmpty()) {
      throw new OtaException(
          ReasonCode.SIGNATURE_INVALID,
          String.join(",", invalid),
          document
              + ": expected a valid signature, found signature(s) by "
              + invalid
              + " that do not verify over the signed content"
              + unusableNote);
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
            + (unknown.isEmpty() ? "" : "; unknown: " + unknown)
            + unusableNote);
  }

  private static List<String> describe(List<UnverifiableSignature> unverifiable) {
    List<String> out = new ArrayList<>(unverifiable.size());
    for (UnverifiableSignature s : unverifiable) {
      out.add(s.keyId() + " (" + s.algorithm() + ")");
    }
    return out;
  }

  private static byte[] decode(String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
