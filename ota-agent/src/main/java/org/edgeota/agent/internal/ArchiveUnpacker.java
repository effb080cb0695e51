package org.edgeota.agent.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * Unpacks a {@code .tar.gz} archive into an empty staging directory, treating every entry as
 * hostile.
 *
 * <p>Design notes. An entry is refused ({@code ARCHIVE_HOSTILE}) when its name is absolute, holds a
 * {@code ..} segment, a backslash or a control character; when it would be written through a
 * symbolic link or over an existing entry; when it is a device file, a FIFO or any other special
 * kind; when it is a symbolic link whose target is absolute or, resolved component by component
 * against what is already unpacked, leaves the staging directory or passes through a missing
 * directory; or when it is a hard link to anything other than a regular file already unpacked. More
 * entries or more unpacked bytes than the budget fail with {@code ARCHIVE_TOO_LARGE}, counted as
 * bytes arrive rather than trusted from headers; an archive that ends early or is not a gzip'd tar
 * fails with {@code ARCHIVE_TRUNCATED}. Files are fsynced as written and every directory at the
 * end. Permission bits are kept only within {@code 0755}.
 */
public final class ArchiveUnpacker {
  private static final int MAX_LINK_DEPTH = 40;

  private final Path staging;
  private final long maxBytes;
  private final long maxEntries;
  private long entries;
  private long bytes;

  /**
   * Creates an unpacker.
   *
   * @param staging an existing, empty directory
   * @param maxBytes the largest total of unpacked file bytes
   * @param maxEntries the largest number of entries
   * @throws OtaException with {@code IO_ERROR} when the staging directory cannot be resolved
   */
  public ArchiveUnpacker(Path staging, long maxBytes, long maxEntries) {
    try {
      this.staging = staging.toRealPath();
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, staging.toString(), "staging directory unusable: " + e, e);
    }
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * Unpacks an archive.
   *
   * @param gzipTar the {@code .tar.gz} stream; not closed here
   * @throws OtaException with {@code ARCHIVE_HOSTILE}, {@code ARCHIVE_TOO_LARGE}, {@code
   *     ARCHIVE_TRUNCATED} or {@code IO_ERROR}; the staging directory then holds partial content
   *     that the caller discards
   */
  public void unpack(InputStream gzipTar) {
    try {
      GzipCompressorInputStream gz = new GzipCompressorInputStream(gzipTar);
      TarArchiveInputStream tar = new TarArchiveInputStream(gz);
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        entries++;
        if (entries > maxEntries) {
          throw new OtaException(
              ReasonCode.ARCHIVE_TOO_LARGE,
              String.valueOf(entries),
              "archive entries: expected at most " + maxEntries + ", found more");
        }
        unpackEntry(tar, e);
      }
      fsyncDirectories();
    } catch (EOFException e) {
      throw truncated("archive ends early: " + e.getMessage(), e);
    } catch (IOException e) {
      String msg = String.valueOf(e.getMessage());
      if (e instanceof FileAlreadyExistsException) {
        throw hostile(msg, "entry would replace an existing entry: " + msg);
      }
      if (msg.contains("runcated")
          || msg.contains("not in the .gz format")
          || msg.contains("EOF")) {
        throw truncated("not a complete .tar.gz archive: " + msg, e);
      }
      throw new OtaException(ReasonCode.IO_ERROR, msg, "unpacking failed: " + e, e);
    }
  }

  private void unpackEntry(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
    Path dest = resolveName(e.getName(), "entry name");
    refuseLinksOnPath(dest, e.getName());
    if (e.isDirectory()) {
      if (Files.isSymbolicLink(dest)
          || (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dest))) {
        throw hostile(
            e.getName(), "directory entry '" + e.getName() + "' replaces a non-directory");
      }
      Files.createDirectories(dest);
      return;
    }
    Files.createDirectories(dest.getParent());
    if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
      throw hostile(
          e.getName(),
          "entry '"
              + e.getName()
              + "': expected a regular file, directory "
              + "or link, found a device or FIFO (type "
              + (char) e.getLinkFlag()
              + ")");
    }
    if (e.isSymbolicLink()) {
      checkSymlinkTarget(dest, e.getName(), e.getLinkName());
      Files.createSymbolicLink(dest, Path.of(e.getLinkName()));
      return;
    }
    if (e.isLink()) {
      Path target = resolveName(e.getLinkName(), "hard link target of '" + e.getName() + "'");
      refuseLinksOnPath(target, e.getLinkName());
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        throw hostile(
            e.getLinkName(),
            "hard link '"
                + e.getName()
                + "': expected a regular file unpacked earlier, found '"
                + e.getLinkName()
                + "'");
      }
      Files.createLink(dest, target);
      return;
    }
    byte flag = e.getLinkFlag();
    if (flag != TarConstants.LF_NORMAL
        && flag != TarConstants.LF_OLDNORM
        && flag != TarConstants.LF_CONTIG) {
      throw hostile(
          e.getName(),
          "entry '" + e.getName() + "': expected a regular file, found type " + (char) flag);
    }
    copyFile(tar, e, dest);
  }

  private void copyFile(TarArchiveInputStream tar, TarArchiveEntry e, Path dest)
      throws IOException {
    if (e.getSize() < 0 || bytes + e.getSize() > maxBytes) {
      throw tooLarge(bytes + e.getSize());
    }
    long copied = 0;
    byte[] buf = new byte[16 * 1024];
    try (FileChannel ch =
        FileChannel.open(
            dest,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = tar.read(buf)) > 0) {
        copied += n;
        bytes += n;
        if (bytes > maxBytes) {
          throw tooLarge(bytes);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
      }
      ch.force(true);
    }
    if (copied != e.getSize()) {
      throw truncated(
          "entry '" + e.getName() + "': expected " + e.getSize() + " bytes, found " + copied, null);
    }
    setMode(dest, e.getMode());
  }

  private static void setMode(Path dest, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ);
    perms.add(PosixFilePermission.OWNER_WRITE);
    if ((mode & 0100) != 0) {
      perms.add(PosixFilePermission.OWNER_EXECUTE);
    }
    if ((mode & 040) != 0) {
      perms.add(PosixFilePermission.GROUP_READ);
    }
    if ((mode & 010) != 0) {
      perms.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if ((mode & 04) != 0) {
      perms.add(PosixFilePermission.OTHERS_READ);
    }
    if ((mode & 01) != 0) {
      perms.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    try {
      Files.setPosixFilePermissions(dest, perms);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the default permissions stay.
      return;
    }
  }

  /** Turns an archive name into a path inside the staging directory, refusing escapes. */
  private Path resolveName(String name, String field) {
    if (name == null || name.isEmpty()) {
      throw hostile(String.valueOf(name), field + ": expected a relative name, found nothing");
    }
    if (name.startsWith("/") || name.contains("\\") || hasControl(name)) {
      throw hostile(
          name, field + ": expected a relative name without backslash, found '" + name + "'");
    }
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (p.equals("..")) {
        throw hostile(name, field + ": expected no '..' segment, found '" + name + "'");
      }
      if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    if (parts.isEmpty()) {
      throw hostile(name, field + ": expected a name below the root, found '" + name + "'");
    }
    Path p = staging;
    for (String part : parts) {
      p = p.resolve(part);
    }
    if (!p.normalize().startsWith(staging)) {
      throw hostile(name, field + ": escapes the staging directory: '" + name + "'");
    }
    return p;
  }

  /** Refuses writing through a symbolic link: no existing ancestor of dest may be a link. */
  private void refuseLinksOnPath(Path dest, String name) {
    Path rel = staging.relativize(dest);
    Path p = staging;
    for (int i = 0; i < rel.getNameCount(); i++) {
      p = p.resolve(rel.getName(i));
      if (Files.isSymbolicLink(p)) {
        throw hostile(
            name,
            "entry '"
                + name
                + "': expected a path without links, found a link at '"
                + staging.relativize(p)
                + "'");
      }
    }
  }

  /** Resolves a link target component by component over what exists, refusing any escape. */
  private void checkSymlinkTarget(Path link, String name, String target) throws IOException {
    if (target == null || target.isEmpty() || target.startsWith("/") || hasControl(target)) {
      throw hostile(
          String.valueOf(target),
          "symbolic link '" + name + "': expected a relative target, found '" + target + "'");
    }
    walk(link.getParent(), target, name, 0);
  }

  private Path walk(Path from, String target, String name, int depth) throws IOException {
    if (depth > MAX_LINK_DEPTH) {
      throw hostile(target, "symbolic link '" + name + "': too many levels of links");
    }
    String[] parts = target.split("/");
    Path cur = from;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        cur = cur.getParent();
      } else {
        Path next = cur.resolve(part);
        if (Files.isSymbolicLink(next)) {
          cur = walk(cur, Files.readSymbolicLink(next).toString(), name, depth + 1);
        } else if (!last && !Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
          throw hostile(
              target,
              "symbolic link '"
                  + name
                  + "': expected existing directories on the target path,"
                  + " found none at '"
                  + part
                  + "' of '"
                  + target
                  + "'");
        } else {
          cur = next;
        }
      }
      if (cur == null || !cur.startsWith(staging)) {
        throw hostile(
            target,
            "symbolic link '"
                + name
                + "': expected a target inside the archive, found '"
                + target
                + "'");
      }
    }
    return cur;
  }

  private void fsyncDirectories() throws IOException {
    Files.walkFileTree(
        staging,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            AtomicFiles.fsyncDirectory(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private OtaException tooLarge(long found) {
    return new OtaException(
        ReasonCode.ARCHIVE_TOO_LARGE,
        String.valueOf(found),
        "unpacked bytes: expected at most " + maxBytes + ", found at least " + found);
  }

  private static OtaException hostile(String value, String message) {
    return new OtaException(ReasonCode.ARCHIVE_HOSTILE, value, message);
  }

  private static OtaException truncated(String message, Throwable cause) {
    return new OtaException(ReasonCode.ARCHIVE_TRUNCATED, null, message, cause);
  }
}
