package org.edgeota.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.edgeota.delta.internal.Digests;

/** Small helpers shared by the delta tests. */
final class DeltaTestSupport {
  private DeltaTestSupport() {}

  static String sha256(byte[] b) {
    MessageDigest md = Digests.sha256();
    md.update(b);
    return HexFormat.of().formatHex(md.digest());
  }

  static SeekableByteChannel open(Path p) {
    try {
      return Files.newByteChannel(p, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path dir, String name, byte[] data) {
    try {
      return Files.write(dir.resolve(name), data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sink that keeps everything in memory (tests only). */
  static final class Capture implements Sink {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    boolean abandoned;

    @Override
    public void write(ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      bytes.writeBytes(b);
    }

    @Override
    public void abandon() {
      abandoned = true;
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  /** Applies a patch from an in-memory old image and returns the output. */
  static byte[] apply(DeltaApplier applier, Path dir, byte[] old, Path patch, byte[] expected) {
    Path oldFile = write(dir, "apply-old.bin", old);
    Capture out = new Capture();
    try (SeekableByteChannel ch = open(oldFile)) {
      applier.apply(ch, patch, out, expected.length, sha256(expected));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
