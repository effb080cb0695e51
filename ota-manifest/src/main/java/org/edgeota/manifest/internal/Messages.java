package org.edgeota.manifest.internal;

import org.edgeota.api.OtaException;

/** Helpers for re-wrapping an {@link OtaException}'s message. */
public final class Messages {
  private Messages() {}

  /**
   * Returns an exception's message without the {@code "REASON: "} prefix that {@link OtaException}
   * puts in front, so that a message wrapped into a new exception of the same reason does not name
   * the reason twice.
   *
   * @param e the exception
   * @return the message as given to the exception
   */
  public static String detail(OtaException e) {
    String m = e.getMessage();
    String prefix = e.reason() + ": ";
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
  }
}
