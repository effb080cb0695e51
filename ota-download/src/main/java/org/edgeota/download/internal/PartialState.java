package org.edgeota.download.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The sidecar of a partial download: which artifact the partial file belongs to, how many of its
 * bytes are durably on disk, and the validator they were served under.
 *
 * <p>It is written only after the partial file was forced to disk, by a write to a temporary file,
 * a force, an atomic rename and a force of the directory, so that after a power cut it never claims
 * more bytes than the partial file holds.
 *
 * @param format the sidecar format, {@value #FORMAT}
 * @param sha256 the artifact's expected SHA-256
 * @param size the artifact's expected size
 * @param offset how many bytes of the partial file are durable and belong to the artifact
 * @param validatorKind {@code "etag"} or {@code "last-modified"}
 * @param validator the validator's value as the server sent it
 */
public record PartialState(
    int format, String sha256, long size, long offset, String validatorKind, String validator) {
  /** The only sidecar format this version writes and reads. */
  public static final int FORMAT = 1;

  private static final long MAX_SIDECAR_BYTES = 4096;
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /**
   * Reads a sidecar.
   *
   * @param file the sidecar path
   * @return the state, or empty when the file is absent, oversized or unreadable
   */
  public static Optional<PartialState> read(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || Files.size(file) > MAX_SIDECAR_BYTES) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes((int) MAX_SIDECAR_BYTES + 1);
      }
      PartialState s = MAPPER.readValue(bytes, PartialState.class);
      if (s.format != FORMAT || s.sha256 == null || s.validator == null || s.offset < 0) {
        return Optional.empty();
      }
      return Optional.of(s);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes this state durably in place of {@code file}.
   *
   * @param file the sidecar path
   * @throws IOException when the file cannot be written
   */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    // A leftover (or planted) entry at the temporary name goes first; the new one is created
    // exclusively and never through a symbolic link.
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ch.write(java.nio.ByteBuffer.wrap(MAPPER.writeValueAsBytes(this)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    FileSync.directory(file.toAbsolutePath().getParent());
  }

  /**
   * Returns the validator this state was recorded under.
   *
   * @return the validator
   */
  public Validator validatorRecord() {
    return new Validator(validatorKind, validator);
  }
}
