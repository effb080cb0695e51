package org.edgeota.agent.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * Durable file writes: a temporary file in the same directory, fsync, atomic rename over the
 * target, fsync of the directory.
 *
 * <p>After a power cut at any instant the target holds either its old content or the new one, never
 * a mix; a leftover temporary file (named {@code .<target>.tmp-*}) is ignored by readers and
 * removed by {@link #removeTemporaries(Path)}.
 */
public final class AtomicFiles {
  private static final String TMP_MARK = ".tmp-";

  private AtomicFiles() {}

  /**
   * Replaces a file's content durably.
   *
   * @param target the file to replace or create
   * @param content the new content
   * @throws OtaException with {@code IO_ERROR} when a step fails; the target then keeps its old
   *     content
   */
  public static void write(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + TMP_MARK + UUID.randomUUID());
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      moveAtomically(tmp, target);
      fsyncDirectory(dir);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new OtaException(
          ReasonCode.IO_ERROR,
          target.toString(),
          "durable write of '" + target + "': expected success, found " + e,
          e);
    }
  }

  /**
   * Renames a file or symbolic link atomically over a target and fsyncs the target's directory.
   *
   * @param source the file or link to move
   * @param target its new name; replaced if present
   * @throws IOException when the rename fails or the file system cannot rename atomically
   */
  public static void moveAtomically(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("file system cannot rename atomically: " + target, e);
    }
  }

  /**
   * Fsyncs a directory so that renames and creations inside it survive a power cut.
   *
   * @param dir the directory
   * @throws IOException when the directory cannot be opened or synced
   */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Fsyncs a regular file.
   *
   * @param file the file
   * @throws IOException when the file cannot be opened or synced
   */
  public static void fsyncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Tells whether a file name is one of this class's temporary names.
   *
   * @param fileName a file name
   * @return {@code true} for a leftover temporary file
   */
  public static boolean isTemporary(Path fileName) {
    String name = fileName.getFileName().toString();
    return name.startsWith(".") && name.contains(TMP_MARK);
  }

  /**
   * Removes leftover temporary files of interrupted writes from a directory.
   *
   * @param dir the directory; nothing happens when it does not exist
   */
  public static void removeTemporaries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var entries = Files.list(dir)) {
      entries.filter(AtomicFiles::isTemporary).forEach(AtomicFiles::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // Leftovers are harmless: readers never look at temporary names.
      return;
    }
  }

  /**
   * Reads a whole file.
   *
   * @param file the file
   * @return its bytes
   * @throws OtaException with {@code IO_ERROR}
   */
  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "read of '" + file + "' failed: " + e, e);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A leftover temporary file is ignored by every reader.
      return;
    }
  }
}
