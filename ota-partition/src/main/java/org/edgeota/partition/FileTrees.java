package org.edgeota.partition;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removal of directory trees, shared by {@link DirectorySlots} and the agent's installers.
 *
 * <p>Note: symbolic links inside the tree are removed, never followed.
 */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes a directory and everything under it, depth first.
   *
   * @param dir the directory (or a single file) to remove; it must exist
   * @throws IOException when an entry cannot be listed or removed; what was removed until then
   *     stays removed
   */
  public static void deleteRecursively(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
