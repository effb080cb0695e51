package org.edgeota.health.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.edgeota.api.spi.HealthCheck.Result;

/** Usable space of the file store that holds a path. */
public final class FreeSpaceProbe {

  private FreeSpaceProbe() {}

  /**
   * Compares the usable space of the path's file store with a minimum.
   *
   * @param path a path on the file store
   * @param minBytes the least usable space that passes
   * @return pass when at least {@code minBytes} are usable
   * @throws IOException when the file store cannot be queried
   */
  public static Result probe(Path path, long minBytes) throws IOException {
    FileStore store;
    try {
      store = Files.getFileStore(path);
    } catch (NoSuchFileException e) {
      return Result.fail("path " + path + " does not exist");
    }
    long usable = store.getUsableSpace();
    String observed =
        usable + " bytes usable on " + store.name() + " at " + path + ", " + minBytes + " required";
    return usable >= minBytes ? Result.pass(observed) : Result.fail(observed);
  }
}
