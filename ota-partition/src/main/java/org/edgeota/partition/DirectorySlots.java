package org.edgeota.partition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versions of an application component kept side by side in one directory, with a {@code current}
 * symbolic link that names the running version and a {@code previous} link that names the one
 * before it.
 *
 * <pre>
 * ROOT/1.0.0/...        an unpacked version
 * ROOT/1.1.0/...        another one
 * ROOT/current -> 1.1.0
 * ROOT/previous -> 1.0.0
 * </pre>
 *
 * <p>A switch never leaves a moment without a valid {@code current}: a new link is created under a
 * temporary name and renamed over the old one (an atomic {@code rename(2)}), then the directory is
 * fsynced. Link targets are relative, so the tree can be moved.
 *
 * <p>Note: the caller makes the unpacked files durable (fsync) before {@link #switchTo}; this class
 * fsyncs only the directory entries it changes.
 */
public final class DirectorySlots {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorySlots.class);
  private static final String CURRENT = "current";
  private static final String PREVIOUS = "previous";

  private final Path root;

  private DirectorySlots(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  /**
   * Returns the version directory set under a root, creating the root if needed.
   *
   * @param root the directory holding the versions and the links
   * @return the slots
   * @throws OtaException with {@code IO_ERROR} when the root cannot be created
   */
  public static DirectorySlots at(Path root) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, root.toString(), "cannot create slot root " + root + ": " + e, e);
    }
    return new DirectorySlots(root);
  }

  /**
   * Returns the root directory.
   *
   * @return the root
   */
  public Path root() {
    return root;
  }

  /**
   * Returns the path of the {@code current} link, which applications run from.
   *
   * @return the link path
   */
  public Path currentLink() {
    return root.resolve(CURRENT);
  }

  /**
   * Returns the version {@code current} names.
   *
   * @return the version, or empty before the first switch
   * @throws OtaException with {@code IO_ERROR}
   */
  public Optional<String> current() {
    return link(CURRENT);
  }

  /**
   * Returns the version {@code previous} names: the one that was current before the last switch.
   *
   * @return the version, or empty when there was none
   * @throws OtaException with {@code IO_ERROR}
   */
  public Optional<String> previous() {
    return link(PREVIOUS);
  }

  /**
   * Returns a fresh, empty directory for a version to be unpacked into. A leftover directory of the
   * same version (from an interrupted install) is removed first.
   *
   * @param version the version name
   * @return the empty directory
   * @throws OtaException with {@code INVALID_ARGUMENT} for a name that is not a plain directory
   *     name, {@code SLOT_ACTIVE} when the version is current or previous, or {@code IO_ERROR}
   */
  public Path prepare(String version) {
    checkVersion(version);
    if (current().filter(version::equals).isPresent()
        || previous().filter(version::equals).isPresent()) {
      throw new OtaException(
          ReasonCode.SLOT_ACTIVE,
          version,
          "version directory to prepare: expected neither current nor previous, found '"
              + version
              + "' in use");
    }
    Path dir = root.resolve(version);
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        LOG.warn("removing leftover version directory {}", dir);
        FileTrees.deleteRecursively(dir);
      }
      Files.createDirectory(dir);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, dir.toString(), "cannot prepare " + dir + ": " + e, e);
    }
    return dir;
  }

  /**
   * Makes a version current: {@code previous} is pointed at the old current version, then {@code
   * current} at the new one, each by an atomic rename.
   *
   * @param version the version to switch to; its directory must exist
   * @throws OtaException with {@code INVALID_ARGUMENT} when the version directory does not exist,
   *     or {@code IO_ERROR}
   */
  public void switchTo(String version) {
    checkVersion(version);
    if (!Files.isDirectory(root.resolve(version), LinkOption.NOFOLLOW_LINKS)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          version,
          "version to switch to: expected a directory " + root.resolve(version) + ", found none");
    }
    Optional<String> old = current();
    if (old.isPresent() && old.get().equals(version)) {
      return;
    }
    if (old.isPresent()) {
      replaceLink(PREVIOUS, old.get());
    }
    replaceLink(CURRENT, version);
    LOG.info("application switched from {} to {}", old.orElse("(none)"), version);
  }

  /**
   * Switches back to the previous version, which then becomes previous itself.
   *
   * @return the version now current
   * @throws OtaException with {@code INVALID_ARGUMENT} when there is no previous version, or {@code
   *     IO_ERROR}
   */
  public String switchBack() {
    String prev =
        previous()
            .orElseThrow(
                () ->
                    new OtaException(
                        ReasonCode.INVALID_ARGUMENT,
                        null,
                        "switch back: expected a previous version, found none"));
    switchTo(prev);
    return prev;
  }

  private Optional<String> link(String name) {
    Path l = root.resolve(name);
    try {
      return Optional.of(Files.readSymbolicLink(l).toString());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, l.toString(), "cannot read link " + l + ": " + e, e);
    }
  }

  private void replaceLink(String name, String target) {
    try {
      AtomicSymlink.replace(root.resolve(name), Path.of(target));
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          root.resolve(name).toString(),
          "cannot point " + root.resolve(name) + " at " + target + ": " + e,
          e);
    }
  }

  private static void checkVersion(String version) {
    if (version == null
        || version.isEmpty()
        || version.startsWith(".")
        || version.contains("/")
        || version.contains("\\")
        || version.indexOf('\0') >= 0
        || version.equals(CURRENT)
        || version.equals(PREVIOUS)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          version,
          "version directory name: expected a plain name (no '/', no leading '.', not 'current'"
              + " or 'previous'), found '"
              + version
              + "'");
    }
  }
}
