package org.edgeota.delta;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.internal.Digests;
import org.edgeota.delta.internal.StreamingPatcher;
import org.edgeota.delta.internal.TempFiles;
import org.edgeota.delta.internal.VerifyingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies BSDIFF40 patches (the format of the classic C {@code bsdiff}/{@code bspatch}) to an old
 * image read with random access, streaming the new image to a {@link Sink}.
 *
 * <p>The patch is never trusted: the header magic and every block length are checked against the
 * file, the declared new size must equal the expected size before anything is allocated, each
 * control triple is validated before any of its bytes are written, and the work done is bounded by
 * the expected size. The SHA-256 of the output is computed while it is written and, with the size,
 * checked before {@code apply} returns; a caller must treat the sink's content as garbage unless
 * {@code apply} returned normally.
 *
 * <p>Memory use is a few working buffers plus the three bzip2 decoders (about 4 MiB each at block
 * size 9), independent of the image size.
 *
 * <p>Note: patches in other bsdiff variants ({@code BSDIFF43}, {@code ENDSLEY/BSDIFF43}) or with
 * other compressions fail with {@link ReasonCode#DELTA_UNSUPPORTED_FORMAT}. Unused bytes after the
 * diff and extra data are ignored, as the C {@code bspatch} ignores them.
 */
public final class DeltaApplier {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaApplier.class);

  private final int bufferSize;

  private DeltaApplier(Builder b) {
    this.bufferSize = b.bufferSize;
  }

  /**
   * Returns an applier with the default settings.
   *
   * @return the applier
   */
  public static DeltaApplier withDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder for an applier.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Applies a patch to an old image whose size is the channel's size.
   *
   * @param oldImage the installed image, read with random access; its position is changed
   * @param patch the patch file
   * @param out where the new image is written
   * @param expectedSize the size the new image must have (from the manifest)
   * @param expectedSha256 the lower-case hex SHA-256 the new image must have (from the manifest)
   * @return the size and digest of the new image, equal to the expected ones
   * @throws OtaException with {@code DELTA_CORRUPT} for a malformed or hostile patch, {@code
   *     DELTA_UNSUPPORTED_FORMAT} for another bsdiff variant or compression, {@code
   *     PAYLOAD_MISMATCH} when the output has another digest, {@code INVALID_ARGUMENT} for a bad
   *     argument, or {@code IO_ERROR}
   */
  public ApplyResult apply(
      SeekableByteChannel oldImage,
      Path patch,
      Sink out,
      long expectedSize,
      String expectedSha256) {
    long oldSize;
    try {
      oldSize = oldImage.size();
    } catch (IOException e) {
      throw new OtaException(ReasonCode.IO_ERROR, null, "old image: cannot read its size", e);
    }
    return apply(oldImage, oldSize, patch, out, expectedSize, expectedSha256);
  }

  /**
   * Applies a patch to an old image that occupies the first {@code oldSize} bytes of a channel, as
   * an image in a larger slot does.
   *
   * @param oldImage the installed image, read with random access; its position is changed
   * @param oldSize the size of the old image; bytes past it are not read
   * @param patch the patch file
   * @param out where the new image is written
   * @param expectedSize the size the new image must have (from the manifest)
   * @param expectedSha256 the lower-case hex SHA-256 the new image must have (from the manifest)
   * @return the size and digest of the new image, equal to the expected ones
   * @throws OtaException with {@code DELTA_CORRUPT} for a malformed or hostile patch, {@code
   *     DELTA_UNSUPPORTED_FORMAT} for another bsdiff variant or compression, {@code
   *     PAYLOAD_MISMATCH} when the output has another digest, {@code INVALID_ARGUMENT} for a bad
   *     argument, or {@code IO_ERROR}
   */
  public ApplyResult apply(
      SeekableByteChannel oldImage,
      long oldSize,
      Path patch,
      Sink out,
      long expectedSize,
      String expectedSha256) {
    Objects.requireNonNull(oldImage, "oldImage");
    Objects.requireNonNull(patch, "patch");
    Objects.requireNonNull(out, "out");
    requireNonNegative("oldSize", oldSize);
    requireNonNegative("expectedSize", expectedSize);
    Digests.requireSha256("expectedSha256", expectedSha256);

    VerifyingSink verifying = new VerifyingSink(out, expectedSize, expectedSha256, "patched image");
    StreamingPatcher patcher = new StreamingPatcher(bufferSize);
    long entries = patcher.apply(oldImage, oldSize, patch, verifying, expectedSize);
    String sha = verifying.verify();

    LOG.debug("patch {} produced {} bytes in {} control triples", patch, expectedSize, entries);
    return new ApplyResult(expectedSize, sha, entries);
  }

  /**
   * Applies a patch and writes the new image to a file, which appears (atomically, fsynced) only
   * when size and digest match; on any failure the file is left untouched.
   *
   * @param oldImage the installed image, read with random access; its position is changed
   * @param patch the patch file
   * @param outFile the file to create or replace
   * @param expectedSize the size the new image must have
   * @param expectedSha256 the lower-case hex SHA-256 the new image must have
   * @return the size and digest of the new image
   * @throws OtaException as {@link #apply(SeekableByteChannel, Path, Sink, long, String)}
   */
  public ApplyResult applyToFile(
      SeekableByteChannel oldImage,
      Path patch,
      Path outFile,
      long expectedSize,
      String expectedSha256) {
    Path abs = outFile.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = TempFiles.createSibling(abs);
      ApplyResult result;
      try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        result = apply(oldImage, patch, Sink.of(fc), expectedSize, expectedSha256);
        fc.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory(abs.getParent());
      return result;
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, outFile.toString(), "output file: cannot write: " + e, e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the rename itself already happened.
      LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("cannot delete temporary file {}: {}", p, e.toString());
    }
  }

  private static void requireNonNegative(String field, long value) {
    if (value < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(value),
          field + ": expected >= 0, found " + value);
    }
  }

  /** Builds a {@link DeltaApplier}; every setting has a safe default. */
  public static final class Builder {
    private int bufferSize = 64 * 1024;

    private Builder() {}

    /**
     * Sets the size of the working buffers.
     *
     * @param bytes between 4 KiB and 16 MiB; default 64 KiB
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} when out of range
     */
    public Builder bufferSize(int bytes) {
      if (bytes < 4096 || bytes > 16 * 1024 * 1024) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Integer.toString(bytes),
            "bufferSize: expected 4096..16777216, found " + bytes);
      }
      this.bufferSize = bytes;
      return this;
    }

    /**
     * Builds the applier.
     *
     * @return the applier
     */
    public DeltaApplier build() {
      return new DeltaApplier(this);
    }
  }
}
