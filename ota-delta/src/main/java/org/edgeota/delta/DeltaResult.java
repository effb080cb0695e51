package org.edgeota.delta;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The outcome of {@link DeltaGenerator#diff}: either a patch file was written, or the delta was
 * skipped because it was not worth it, with the reason.
 */
public final class DeltaResult {
  private final Path patch;
  private final long patchSize;
  private final long fullSize;
  private final double maxRatio;
  private final String reason;

  DeltaResult(Path patch, long patchSize, long fullSize, double maxRatio, String reason) {
    this.patch = patch;
    this.patchSize = patchSize;
    this.fullSize = fullSize;
    this.maxRatio = maxRatio;
    this.reason = reason;
  }

  /**
   * Returns the patch file, if one was written.
   *
   * @return the patch path, empty when the delta was skipped
   */
  public Optional<Path> patch() {
    return Optional.ofNullable(patch);
  }

  /**
   * Tells whether a patch file was written.
   *
   * @return {@code true} if the delta was created
   */
  public boolean created() {
    return patch != null;
  }

  /**
   * Returns the size of the generated patch, also when it was skipped.
   *
   * @return the patch size in bytes
   */
  public long patchSize() {
    return patchSize;
  }

  /**
   * Returns the size of the full payload (the new file).
   *
   * @return the full size in bytes
   */
  public long fullSize() {
    return fullSize;
  }

  /**
   * Returns patch size divided by full size.
   *
   * @return the ratio; positive infinity for an empty new file
   */
  public double ratio() {
    return fullSize == 0 ? Double.POSITIVE_INFINITY : (double) patchSize / fullSize;
  }

  /**
   * Returns the configured maximum ratio the patch was measured against.
   *
   * @return the maximum ratio
   */
  public double maxRatio() {
    return maxRatio;
  }

  /**
   * Returns a sentence saying what happened, for logs and the command line.
   *
   * @return the reason, never {@code null}
   */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "DeltaResult[" + (created() ? "created " + patch : "skipped") + ": " + reason + "]";
  }
}
