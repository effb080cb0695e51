package org.edgeota.delta.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Temporary files next to their final place, created with the process's default permissions. */
public final class TempFiles {
  private TempFiles() {}

  /**
   * Creates a new empty hidden file in the directory of {@code target}, to be renamed onto it.
   *
   * <p>Unlike {@link Files#createTempFile}, which restricts the file to its owner, the file gets
   * the permissions the umask gives, as the final file would if written directly.
   *
   * @param target the absolute path of the final file
   * @return the new file
   * @throws IOException when the file cannot be created
   */
  public static Path createSibling(Path target) throws IOException {
    Path dir = target.getParent();
    for (int attempt = 0; ; attempt++) {
      long n = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
      Path p = dir.resolve("." + target.getFileName() + "." + Long.toString(n, 36) + ".part");
      try {
        return Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }
}
