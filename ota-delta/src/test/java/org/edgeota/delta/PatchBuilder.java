package org.edgeota.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.edgeota.delta.internal.Bsdiff40;

/** Builds BSDIFF40 patches byte by byte, including hostile ones, for fixture tests. */
final class PatchBuilder {
  private String magic = "BSDIFF40";
  private final List<long[]> triples = new ArrayList<>();
  private final ByteArrayOutputStream diff = new ByteArrayOutputStream();
  private final ByteArrayOutputStream extra = new ByteArrayOutputStream();
  private Long newSize;
  private Long ctrlLenOverride;
  private Long diffLenOverride;
  private byte[] rawCtrl;
  private byte[] rawDiff;
  private byte[] rawExtra;
  private int blockSize = 9;

  PatchBuilder magic(String m) {
    this.magic = m;
    return this;
  }

  PatchBuilder triple(long x, long y, long z) {
    triples.add(new long[] {x, y, z});
    return this;
  }

  PatchBuilder diffBytes(byte[] b) {
    diff.writeBytes(b);
    return this;
  }

  PatchBuilder extraBytes(byte[] b) {
    extra.writeBytes(b);
    return this;
  }

  PatchBuilder newSize(long n) {
    this.newSize = n;
    return this;
  }

  PatchBuilder ctrlLength(long n) {
    this.ctrlLenOverride = n;
    return this;
  }

  PatchBuilder diffLength(long n) {
    this.diffLenOverride = n;
    return this;
  }

  PatchBuilder rawControlBlock(byte[] b) {
    this.rawCtrl = b;
    return this;
  }

  PatchBuilder rawDiffBlock(byte[] b) {
    this.rawDiff = b;
    return this;
  }

  PatchBuilder rawExtraBlock(byte[] b) {
    this.rawExtra = b;
    return this;
  }

  PatchBuilder bzip2BlockSize(int level) {
    this.blockSize = level;
    return this;
  }

  byte[] controlBytes() {
    byte[] c = new byte[triples.size() * Bsdiff40.TRIPLE_SIZE];
    for (int i = 0; i < triples.size(); i++) {
      for (int j = 0; j < 3; j++) {
        Bsdiff40.encode(triples.get(i)[j], c, i * 24 + j * 8);
      }
    }
    return c;
  }

  byte[] build() {
    byte[] ctrl = rawCtrl != null ? rawCtrl : bzip2(controlBytes(), blockSize);
    byte[] d = rawDiff != null ? rawDiff : bzip2(diff.toByteArray(), blockSize);
    byte[] e = rawExtra != null ? rawExtra : bzip2(extra.toByteArray(), blockSize);
    long declared = newSize != null ? newSize : diff.size() + (long) extra.size();
    byte[] header = new byte[32];
    byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(m, 0, header, 0, Math.min(8, m.length));
    Bsdiff40.encode(ctrlLenOverride != null ? ctrlLenOverride : ctrl.length, header, 8);
    Bsdiff40.encode(diffLenOverride != null ? diffLenOverride : d.length, header, 16);
    Bsdiff40.encode(declared, header, 24);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(ctrl);
    out.writeBytes(d);
    out.writeBytes(e);
    return out.toByteArray();
  }

  static byte[] bzip2(byte[] data, int level) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(bos, level)) {
      bz.write(data);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bos.toByteArray();
  }
}
