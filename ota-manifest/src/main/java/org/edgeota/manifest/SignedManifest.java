package org.edgeota.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.manifest.internal.JcsWriter;
import org.edgeota.manifest.internal.ManifestCodec;
import org.edgeota.manifest.internal.Signatures;
import org.edgeota.manifest.internal.StrictJson;

/**
 * A release manifest together with its signatures, exactly as signed.
 *
 * <p>The signed content is kept as the parsed JSON tree, so {@link #canonicalSignedBytes()} is the
 * RFC 8785 form of what the signer signed (without the {@code signatures} member) and does not
 * depend on how this library would re-serialize the {@link Release}. Parsing is strict (see {@link
 * #parse(byte[], long)}) but does <em>not</em> verify signatures: use {@link
 * TrustStore#verifyManifest} or {@link ManifestPolicy#evaluate}, and trust nothing in an unverified
 * manifest.
 *
 * <p>Instances are immutable.
 */
public final class SignedManifest {
  /** Default cap of a manifest document: 1 MiB. */
  public static final long DEFAULT_MAX_BYTES = StrictJson.DEFAULT_MAX_BYTES;

  private final ObjectNode signedContent;
  private final Release release;
  private final List<ManifestSignature> signatures;
  private final List<UnverifiableSignature> unverifiable;
  private final byte[] canonical;

  private SignedManifest(
      ObjectNode signedContent,
      Release release,
      List<ManifestSignature> signatures,
      List<UnverifiableSignature> unverifiable) {
    this.signedContent = signedContent;
    this.release = release;
    this.signatures = List.copyOf(signatures);
    this.unverifiable = List.copyOf(unverifiable);
    this.canonical = JcsWriter.canonicalize(signedContent);
  }

  /**
   * Parses a manifest strictly, with the default size cap of 1 MiB.
   *
   * @param json the UTF-8 document
   * @return the manifest, signatures not yet verified
   * @throws OtaException see {@link #parse(byte[], long)}
   */
  public static SignedManifest parse(byte[] json) {
    return parse(json, DEFAULT_MAX_BYTES);
  }

  /**
   * Parses a manifest strictly: the size is checked before parsing; duplicate keys, trailing data,
   * unknown members, wrong types, out-of-range numbers, non-hex or wrong-length digests and unsafe
   * file names are refused. The one exception is a signature entry whose algorithm name is well
   * formed but unknown to this version: it is kept as an {@link UnverifiableSignature} (see {@link
   * #unverifiableSignatures()}) and logged at WARN, so that signatures of a newer algorithm added
   * beside known ones do not make the document unreadable.
   *
   * @param json the UTF-8 document
   * @param maxBytes the largest accepted document size
   * @return the manifest, signatures not yet verified
   * @throws OtaException with {@link ReasonCode#MANIFEST_TOO_LARGE}, {@link
   *     ReasonCode#MANIFEST_MALFORMED} or {@link ReasonCode#MANIFEST_FIELD_INVALID} naming the
   *     field and value, {@link ReasonCode#SIGNATURE_MISSING} for a {@code null} or empty
   *     signature, {@link ReasonCode#SIGNATURE_INVALID} for a malformed signature entry
   */
  public static SignedManifest parse(byte[] json, long maxBytes) {
    JsonNode root = StrictJson.parse(json, maxBytes, ManifestCodec.DOCUMENT);
    Release release = ManifestCodec.decode(root);
    Signatures.Entries signatures = Signatures.read(root, ManifestCodec.DOCUMENT);
    ObjectNode content = ((ObjectNode) root).deepCopy();
    content.remove(Signatures.MEMBER);
    return new SignedManifest(content, release, signatures.known(), signatures.unverifiable());
  }

  /**
   * Reads and parses a manifest file, checking its size before reading it.
   *
   * @param file the file
   * @return the manifest, signatures not yet verified
   * @throws OtaException see {@link #parse(byte[], long)}, or {@link ReasonCode#IO_ERROR}
   */
  public static SignedManifest read(Path file) {
    return parse(StrictJson.readCapped(file, DEFAULT_MAX_BYTES, "manifest"));
  }

  /**
   * Creates an unsigned manifest for a release.
   *
   * @param release the release
   * @return the manifest without signatures
   * @throws OtaException with {@link ReasonCode#MANIFEST_FIELD_INVALID} or {@link
   *     ReasonCode#MANIFEST_MALFORMED} if the release breaks a rule of the format
   */
  public static SignedManifest unsigned(Release release) {
    ObjectNode content = ManifestCodec.encode(Objects.requireNonNull(release, "release"));
    return new SignedManifest(content, ManifestCodec.decode(content), List.of(), List.of());
  }

  /**
   * Returns a copy with a signature added; an earlier signature by the same key is replaced.
   * Unverifiable signatures are kept.
   *
   * @param signature the signature, normally made by {@link ManifestSigner}
   * @return the new manifest
   */
  public SignedManifest withSignature(ManifestSignature signature) {
    Objects.requireNonNull(signature, "signature");
    return new SignedManifest(
        signedContent, release, Signatures.with(signatures, signature), unverifiable);
  }

  /**
   * Returns a copy that keeps only the signatures of known algorithms that {@code keep} accepts, in
   * their order; unverifiable signatures are all kept.
   *
   * @param keep decides for each signature of a known algorithm whether it stays
   * @return the new manifest
   */
  public SignedManifest retainingSignatures(Predicate<? super ManifestSignature> keep) {
    Objects.requireNonNull(keep, "keep");
    List<ManifestSignature> kept = signatures.stream().filter(keep::test).toList();
    return new SignedManifest(signedContent, release, kept, unverifiable);
  }

  /**
   * Returns a copy without any signature, unverifiable ones included.
   *
   * @return the unsigned manifest
   */
  public SignedManifest withoutSignatures() {
    return new SignedManifest(signedContent, release, List.of(), List.of());
  }

  /**
   * Returns the release the manifest describes; trust it only after verification.
   *
   * @return the release
   */
  public Release release() {
    return release;
  }

  /**
   * Returns the signatures of known algorithms in document order; only these can be verified.
   *
   * @return the signatures, possibly empty
   */
  public List<ManifestSignature> signatures() {
    return signatures;
  }

  /**
   * Returns the signature entries whose algorithm this version does not know, in document order.
   * They are never verified and never count toward a threshold.
   *
   * @return the unverifiable signatures, usually empty
   */
  public List<UnverifiableSignature> unverifiableSignatures() {
    return unverifiable;
  }

  /**
   * Returns the bytes signatures are made over.
   *
   * @return the RFC 8785 canonical form of the manifest without its {@code signatures} member
   */
  public byte[] canonicalSignedBytes() {
    return canonical.clone();
  }

  /**
   * Returns the manifest as indented JSON, with its {@code signatures} member last; unverifiable
   * signatures follow the others.
   *
   * @return the UTF-8 document
   */
  public byte[] toJson() {
    ObjectNode out = signedContent.deepCopy();
    out.set(Signatures.MEMBER, Signatures.write(signatures, unverifiable));
    return StrictJson.pretty(out);
  }

  /**
   * Compares signed content and signatures.
   *
   * @param o the other object
   * @return {@code true} if both have the same canonical content and the same signatures,
   *     unverifiable ones included
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof SignedManifest m
        && Arrays.equals(canonical, m.canonical)
        && signatures.equals(m.signatures)
        && unverifiable.equals(m.unverifiable);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(canonical) + signatures.hashCode()) + unverifiable.hashCode();
  }

  /** Returns the version, sequence and signer ids, for logs. */
  @Override
  public String toString() {
    return "SignedManifest[version="
        + release.version()
        + ", sequence="
        + release.sequence()
        + ", signatures="
        + signatures.stream().map(ManifestSignature::keyId).toList()
        + (unverifiable.isEmpty()
            ? ""
            : ", unverifiable="
                + unverifiable.stream().map(s -> s.keyId() + " (" + s.algorithm() + ")").toList())
        + "]";
  }
}
