package org.edgeota.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds {@code .tar.gz} archives, hostile ones included, for tests. */
final class TarBuilder {
  private record Item(String name, byte flag, byte[] data, String link, int mode) {}

  private final List<Item> items = new ArrayList<>();

  TarBuilder file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  TarBuilder file(String name, byte[] content, int mode) {
    items.add(new Item(name, TarConstants.LF_NORMAL, content, null, mode));
    return this;
  }

  TarBuilder dir(String name) {
    items.add(new Item(name, TarConstants.LF_DIR, new byte[0], null, 0755));
    return this;
  }

  TarBuilder symlink(String name, String target) {
    items.add(new Item(name, TarConstants.LF_SYMLINK, new byte[0], target, 0777));
    return this;
  }

  TarBuilder hardlink(String name, String target) {
    items.add(new Item(name, TarConstants.LF_LINK, new byte[0], target, 0644));
    return this;
  }

  TarBuilder special(String name, byte flag) {
    items.add(new Item(name, flag, new byte[0], null, 0644));
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Item i : items) {
        TarArchiveEntry e = new TarArchiveEntry(i.name(), i.flag(), true);
        e.setMode(i.mode());
        if (i.link() != null) {
          e.setLinkName(i.link());
        }
        if (i.flag() == TarConstants.LF_NORMAL) {
          e.setSize(i.data().length);
        }
        tar.putArchiveEntry(e);
        if (i.flag() == TarConstants.LF_NORMAL) {
          tar.write(i.data());
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  Path writeTo(Path file) {
    try {
      Files.write(file, build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
