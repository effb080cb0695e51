package org.edgeota.api;

/** One of the two system slots of an A/B device. */
public enum Slot {
  /** The first slot. */
  A,
  /** The second slot. */
  B;

  /**
   * Returns the other slot.
   *
   * @return {@code B} for {@code A} and {@code A} for {@code B}
   */
  public Slot other() {
    return this == A ? B : A;
  }

  /**
   * Parses a slot name as written in a boot environment.
   *
   * @param text {@code "A"} or {@code "B"}; case matters, as it does to the boot script
   * @return the slot
   * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for any other text
   */
  public static Slot parse(String text) {
    if ("A".equals(text)) {
      return A;
    }
    if ("B".equals(text)) {
      return B;
    }
    throw new OtaException(
        ReasonCode.INVALID_ARGUMENT, text, "slot: expected 'A' or 'B', found '" + text + "'");
  }
}
