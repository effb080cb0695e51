package org.edgeota.manifest.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/** Reads and writes one PEM block (RFC 7468). */
public final class Pem {
  /** Label of a PKCS#8 private key. */
  public static final String PRIVATE_KEY = "PRIVATE KEY";

  /** Label of a SubjectPublicKeyInfo public key. */
  public static final String PUBLIC_KEY = "PUBLIC KEY";

  private Pem() {}

  /**
   * Encodes DER bytes as a PEM block.
   *
   * @param label the label, for example {@link #PUBLIC_KEY}
   * @param der the content
   * @return the PEM text, lines of 64 characters, ending in a newline
   */
  public static String encode(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /**
   * Decodes the first PEM block with the given label.
   *
   * @param text the PEM text
   * @param label the expected label
   * @param source where the text came from, for messages
   * @return the DER bytes
   * @throws OtaException with {@link ReasonCode#KEY_INVALID} if no such block exists or its body is
   *     not base64
   */
  public static byte[] decode(String text, String label, String source) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = text.indexOf(begin);
    int e = b < 0 ? -1 : text.indexOf(end, b + begin.length());
    if (b < 0 || e < 0) {
      throw new OtaException(
          ReasonCode.KEY_INVALID,
          source,
          "PEM: expected a '" + begin + "' block in " + source + ", found none");
    }
    String body = text.substring(b + begin.length(), e).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException ex) {
      throw new OtaException(
          ReasonCode.KEY_INVALID,
          source,
          "PEM: expected base64 in the " + label + " block of " + source + ", found invalid text",
          ex);
    }
  }
}
