package org.edgeota.health.internal;

/** Helpers that keep report details short and printable. */
public final class Details {

  /** The longest detail a check result carries, in characters. */
  public static final int MAX_DETAIL = 512;

  private Details() {}

  /**
   * Returns the text with control characters replaced and cut to {@link #MAX_DETAIL} characters.
   *
   * @param text any text, or {@code null}
   * @return a single printable line, empty for {@code null}
   */
  public static String clip(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL));
    for (int i = 0; i < text.length() && out.length() < MAX_DETAIL; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > MAX_DETAIL) {
      out.setLength(MAX_DETAIL - 3);
      out.append("...");
    }
    return out.toString().strip();
  }

  /**
   * Describes a failure by its type and message, for a check that threw.
   *
   * @param failure what was thrown
   * @return for example {@code "ConnectException: Connection refused"}
   */
  public static String describe(Throwable failure) {
    String message = failure.getMessage();
    String type = failure.getClass().getSimpleName();
    return clip(message == null || message.isBlank() ? type : type + ": " + message);
  }
}
