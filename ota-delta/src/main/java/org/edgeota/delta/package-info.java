/**
 * Binary deltas in the BSDIFF40 format of the classic {@code bsdiff}/{@code bspatch} tools:
 * generation ({@link org.edgeota.delta.DeltaGenerator}), hardened streaming application ({@link
 * org.edgeota.delta.DeltaApplier}) and the choice between a delta and the full payload ({@link
 * org.edgeota.delta.DeltaSelector}).
 */
package org.edgeota.delta;
