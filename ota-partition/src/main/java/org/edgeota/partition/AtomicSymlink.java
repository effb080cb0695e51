package org.edgeota.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Atomic replacement of a symbolic link: the switch used by {@link DirectorySlots} and by the
 * agent's application installer.
 *
 * <p>A new link is created under a temporary name in the same directory ({@code
 * .<name>.tmp-<uuid>}), renamed over the old link with an atomic {@code rename(2)}, and the
 * directory is fsynced. At no instant is there no link: a reader sees either the old target or the
 * new one, before and after a power cut.
 *
 * <p>Note: the caller makes the files the link points at durable before the switch; this class
 * fsyncs only the directory holding the link.
 */
public final class AtomicSymlink {
  private AtomicSymlink() {}

  /**
   * Points a symbolic link at a target durably, creating the link when it does not exist.
   *
   * @param link the link to replace or create
   * @param target the new target, stored as given (a relative target stays relative)
   * @throws IOException when a step fails or the file system cannot rename atomically; the
   *     temporary link is then removed and {@code link} keeps its old target
   */
  public static void replace(Path link, Path target) throws IOException {
    Path dir = link.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + link.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createSymbolicLink(tmp, target);
      try {
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system cannot rename atomically: " + link, e);
      }
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
