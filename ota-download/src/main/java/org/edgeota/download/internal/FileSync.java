package org.edgeota.download.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forces directory entries (renames, deletions) to disk. */
public final class FileSync {
  private FileSync() {}

  /**
   * Forces a directory's entries to disk.
   *
   * <p>Note: some platforms cannot open a directory for forcing; there the call does nothing and
   * durability of the rename rests on the file system.
   *
   * @param dir the directory
   */
  public static void directory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not supported on every platform (see the Note above): the rename itself has happened.
    }
  }
}
