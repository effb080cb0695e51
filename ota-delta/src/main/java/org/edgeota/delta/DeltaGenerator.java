package org.edgeota.delta;

import io.sigpipe.jbsdiff.Diff;
import io.sigpipe.jbsdiff.InvalidHeaderException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.internal.Digests;
import org.edgeota.delta.internal.FastDiffSettings;
import org.edgeota.delta.internal.TempFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates BSDIFF40 patches (readable by the C {@code bspatch} and by {@link DeltaApplier}) with
 * jbsdiff, and skips a patch that is not worth shipping.
 *
 * <p>jbsdiff runs with a linear-time suffix sort (SA-IS) in place of its port of {@code qsufsort};
 * the suffix array is the same, so the patch is too, only sooner.
 *
 * <p>A patch whose size exceeds {@code maxRatio} times the size of the new file is not written:
 * {@link #diff} returns a result that says so, and logs it. By default every written patch is first
 * re-applied with {@link DeltaApplier} and must reproduce the new file exactly.
 *
 * <p>Note: generation runs on a build server and holds both files in memory, plus about 13 bytes
 * per byte of the old file for the suffix sort and two buffers of the new file's size inside
 * jbsdiff (which pads its diff and extra streams with zeros to the new file's size); files over
 * {@value #MAX_INPUT_SIZE} bytes are refused.
 */
public final class DeltaGenerator {
  /** The largest old or new file accepted, in bytes (jbsdiff works on Java arrays). */
  public static final long MAX_INPUT_SIZE = Integer.MAX_VALUE / 8;

  /** The default maximum ratio of patch size to full size. */
  public static final double DEFAULT_MAX_RATIO = 0.5;

  private static final Logger LOG = LoggerFactory.getLogger(DeltaGenerator.class);

  private final double maxRatio;
  private final boolean verify;

  private DeltaGenerator(Builder b) {
    this.maxRatio = b.maxRatio;
    this.verify = b.verify;
  }

  /**
   * Returns a generator with the default maximum ratio ({@value #DEFAULT_MAX_RATIO}) that verifies
   * its patches.
   *
   * @return the generator
   */
  public static DeltaGenerator withDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder for a generator.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the configured maximum ratio of patch size to full size.
   *
   * @return the maximum ratio
   */
  public double maxRatio() {
    return maxRatio;
  }

  /**
   * Computes the patch from {@code oldFile} to {@code newFile} and writes it to {@code patchOut}
   * (atomically, fsynced) unless it is larger than the maximum ratio allows.
   *
   * @param oldFile the old image
   * @param newFile the new image
   * @param patchOut where the patch goes; left untouched when the delta is skipped
   * @return whether the patch was written, its size and the reason
   * @throws OtaException with {@code INVALID_ARGUMENT} when an input is too large or {@code
   *     patchOut} is the old or the new image itself, {@code DELTA_CORRUPT} when verification of
   *     the generated patch fails, or {@code IO_ERROR}
   */
  public DeltaResult diff(Path oldFile, Path newFile, Path patchOut) {
    Objects.requireNonNull(oldFile, "oldFile");
    Objects.requireNonNull(newFile, "newFile");
    Objects.requireNonNull(patchOut, "patchOut");
    refuseOverwritingInput("old file", oldFile, patchOut);
    refuseOverwritingInput("new file", newFile, patchOut);
    byte[] oldBytes = read("old file", oldFile);
    byte[] newBytes = read("new file", newFile);

    Path out = patchOut.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = TempFiles.createSibling(out);
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        Diff.diff(oldBytes, newBytes, os, new FastDiffSettings());
      }
      long patchSize = Files.size(tmp);
      DeltaResult measured = new DeltaResult(null, patchSize, newBytes.length, maxRatio, "");
      if (measured.ratio() > maxRatio) {
        String why =
            String.format(
                Locale.ROOT,
                "skipped: patch of %d bytes is %.3f of the full %d bytes, above the maximum %.3f",
                patchSize,
                measured.ratio(),
                (long) newBytes.length,
                maxRatio);
        LOG.info("delta {} -> {} {}", oldFile, newFile, why);
        return new DeltaResult(null, patchSize, newBytes.length, maxRatio, why);
      }
      if (verify) {
        verifyPatch(oldFile, tmp, newBytes);
      }
      try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        fc.force(true);
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      String why =
          String.format(
              Locale.ROOT,
              "created: patch of %d bytes is %.3f of the full %d bytes (maximum %.3f)",
              patchSize,
              measured.ratio(),
              (long) newBytes.length,
              maxRatio);
      LOG.info("delta {} -> {} {}", oldFile, newFile, why);
      return new DeltaResult(out, patchSize, newBytes.length, maxRatio, why);
    } catch (IOException | InvalidHeaderException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, patchOut.toString(), "patch file: cannot write: " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("cannot delete temporary file {}: {}", tmp, e.toString());
        }
      }
    }
  }

  private static void verifyPatch(Path oldFile, Path patch, byte[] newBytes) throws IOException {
    MessageDigest md = Digests.sha256();
    md.update(newBytes);
    String sha = Digests.hex(md);
    try (FileChannel old = FileChannel.open(oldFile, StandardOpenOption.READ)) {
      DeltaApplier.withDefaults().apply(old, patch, Sink.discard(), newBytes.length, sha);
    } catch (OtaException e) {
      throw new OtaException(
          ReasonCode.DELTA_CORRUPT,
          oldFile.toString(),
          "generated patch: expected it to reproduce the new file, applying it failed: "
              + e.getMessage(),
          e);
    }
  }

  private static byte[] read(String what, Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_INPUT_SIZE) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Long.toString(size),
            what + " " + file + ": expected at most " + MAX_INPUT_SIZE + " bytes, found " + size);
      }
      // The size above is 0 for devices and pipes (and a file may grow): read at most one byte
      // over the limit instead of trusting it, so that /dev/zero fails instead of exhausting
      // memory.
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_INPUT_SIZE + 1);
      }
      if (bytes.length > MAX_INPUT_SIZE) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            file.toString(),
            what + " " + file + ": expected at most " + MAX_INPUT_SIZE + " bytes, found more");
      }
      return bytes;
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, file.toString(), what + ": cannot read: " + e, e);
    }
  }

  /** Builds a {@link DeltaGenerator}. */
  public static final class Builder {
    private double maxRatio = DEFAULT_MAX_RATIO;
    private boolean verify = true;

    private Builder() {}

    /**
     * Sets the maximum ratio of patch size to full size above which no patch is written.
     *
     * @param ratio greater than 0; {@link Double#POSITIVE_INFINITY} never skips
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} when not a number greater than 0
     */
    public Builder maxRatio(double ratio) {
      if (Double.isNaN(ratio) || ratio <= 0) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Double.toString(ratio),
            "maxRatio: expected a number > 0, found " + ratio);
      }
      this.maxRatio = ratio;
      return this;
    }

    /**
     * Sets whether each written patch is first re-applied and compared with the new file.
     *
     * @param verify {@code true} (the default) to verify
     * @return this builder
     */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    /**
     * Builds the generator.
     *
     * @return the generator
     */
    public DeltaGenerator build() {
      return new DeltaGenerator(this);
    }
  }

  /**
   * Refuses a patch path that names an input image: the patch would replace the image (a typo such
   * as {@code old.img new.img new.img} would silently turn the new release image into a patch of a
   * few hundred bytes).
   */
  private static void refuseOverwritingInput(String what, Path input, Path patchOut) {
    boolean same;
    try {
      same =
          input.toAbsolutePath().normalize().equals(patchOut.toAbsolutePath().normalize())
              || (Files.exists(patchOut)
                  && Files.exists(input)
                  && Files.isSameFile(input, patchOut));
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          patchOut.toString(),
          "patch file: cannot compare '" + patchOut + "' with " + what + " '" + input + "': " + e,
          e);
    }
    if (same) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          patchOut.toString(),
          "patch file: expected a file other than the "
              + what
              + " '"
              + input
              + "', found '"
              + patchOut
              + "' (writing the patch would replace that image)");
    }
  }
}
