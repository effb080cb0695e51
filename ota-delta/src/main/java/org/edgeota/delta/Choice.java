package org.edgeota.delta;

/** Which way a component's new image was produced. */
public enum Choice {
  /** By applying a delta to the installed image. */
  DELTA,
  /** From the full payload. */
  FULL
}
