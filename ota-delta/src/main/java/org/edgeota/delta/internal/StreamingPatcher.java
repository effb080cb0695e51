package org.edgeota.delta.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming BSDIFF40 reader that trusts nothing in the patch.
 *
 * <p>Design notes. The patch is read with positional reads from three byte ranges whose bounds come
 * from the header after they were checked against the file size, so a bzip2 stream can never read
 * into the next block. Every control triple is checked before a byte of it is written: both lengths
 * are non-negative and fit in what remains of the declared new size, and the old position moves
 * without overflow. Old positions outside the old image read as zero, which is what the C {@code
 * bspatch} does. Work is bounded by the declared new size (checked against the caller's expected
 * size before anything is allocated): every triple must make progress except for a small run of
 * empty ones, and the control stream must end exactly when the output is complete. Output goes out
 * in chunks; nothing proportional to an image is held in memory. Reads from the decompressor are
 * always looped, because a bzip2 stream may return fewer bytes than asked.
 *
 * <p>Trailing bytes after the used part of the diff and extra streams are ignored, as the C tool
 * ignores them: jbsdiff 1.0 pads both streams with zeros.
 */
public final class StreamingPatcher {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingPatcher.class);

  private final int chunkSize;

  /**
   * Creates a patcher.
   *
   * @param chunkSize the size of the working buffers in bytes
   */
  public StreamingPatcher(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  /**
   * Applies a patch, writing the new image to a sink.
   *
   * @param old the old image, read with random access
   * @param oldSize the old image's size; positions at or past it read as zero
   * @param patch the patch file
   * @param out where the new image goes
   * @param expectedNewSize the size the new image must have
   * @return the number of control triples processed
   * @throws OtaException with {@code DELTA_CORRUPT}, {@code DELTA_UNSUPPORTED_FORMAT} or {@code
   *     IO_ERROR}
   */
  public long apply(
      SeekableByteChannel old, long oldSize, Path patch, Sink out, long expectedNewSize) {
    FileChannel opened;
    try {
      opened = FileChannel.open(patch, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, patch.toString(), "patch file: cannot open: " + e, e);
    }
    try (FileChannel pc = opened) {
      long patchSize = pc.size();
      Header h = readHeader(pc, patchSize, expectedNewSize);
      try (InputStream ctrl = block(pc, "control", Bsdiff40.HEADER_SIZE, h.diffStart());
          InputStream diff = block(pc, "diff", h.diffStart(), h.extraStart());
          InputStream extra = block(pc, "extra", h.extraStart(), patchSize)) {
        return run(old, oldSize, ctrl, diff, extra, out, h.newSize());
      }
    } catch (RangeInputStream.SourceException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, patch.toString(), "patch file: read failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw corrupt(null, "bzip2 data is malformed: " + e.getMessage(), e);
    }
  }

  private record Header(long ctrlLen, long diffLen, long newSize) {
    long diffStart() {
      return Bsdiff40.HEADER_SIZE + ctrlLen;
    }

    long extraStart() {
      return Bsdiff40.HEADER_SIZE + ctrlLen + diffLen;
    }
  }

  private static Header readHeader(FileChannel pc, long patchSize, long expectedNewSize)
      throws IOException {
    byte[] hb = new byte[Bsdiff40.HEADER_SIZE];
    int got = readAt(pc, hb, 0);
    checkMagic(hb, got);
    if (got < Bsdiff40.HEADER_SIZE) {
      throw corrupt(
          Long.toString(patchSize),
          "patch size: expected at least "
              + Bsdiff40.HEADER_SIZE
              + " header bytes, found "
              + patchSize);
    }
    long ctrlLen = Bsdiff40.decode(hb, 8);
    long diffLen = Bsdiff40.decode(hb, 16);
    long newSize = Bsdiff40.decode(hb, 24);
    requireNonNegative("header.controlLength", ctrlLen);
    requireNonNegative("header.diffLength", diffLen);
    requireNonNegative("header.newSize", newSize);
    if (newSize != expectedNewSize) {
      throw corrupt(
          Long.toString(newSize),
          "header.newSize: expected the target size " + expectedNewSize + ", found " + newSize);
    }
    long blocksEnd = Bsdiff40.HEADER_SIZE + ctrlLen + diffLen;
    if (ctrlLen > patchSize || diffLen > patchSize || blocksEnd > patchSize) {
      throw corrupt(
          ctrlLen + "+" + diffLen,
          "header block lengths: expected control ("
              + ctrlLen
              + ") + diff ("
              + diffLen
              + ") + 32 to fit in the patch of "
              + patchSize
              + " bytes");
    }
    return new Header(ctrlLen, diffLen, newSize);
  }

  private static void checkMagic(byte[] hb, int got) {
    String magic =
        new String(hb, 0, Math.min(got, 8), StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?");
    boolean exact = got >= 8;
    for (int i = 0; exact && i < 8; i++) {
      exact = hb[i] == Bsdiff40.MAGIC[i];
    }
    if (exact) {
      return;
    }
    if (magic.startsWith("BSDIFF")
        || magic.startsWith("BSDF")
        || magic.startsWith("ENDSLEY")
        || magic.startsWith("BSDIFFSIG")) {
      throw new OtaException(
          ReasonCode.DELTA_UNSUPPORTED_FORMAT,
          magic,
          "patch magic: expected BSDIFF40, found the bsdiff variant '" + magic + "'");
    }
    throw corrupt(magic, "patch magic: expected BSDIFF40, found '" + magic + "'");
  }

  private static void requireNonNegative(String field, long value) {
    if (value < 0) {
      throw corrupt(Long.toString(value), field + ": expected >= 0, found " + value);
    }
  }

  private InputStream block(FileChannel pc, String name, long start, long end) throws IOException {
    byte[] magic = new byte[4];
    int got = end - start >= 4 ? readAt(pc, magic, start) : 0;
    if (got < 4
        || magic[0] != 'B'
        || magic[1] != 'Z'
        || magic[2] != 'h'
        || magic[3] < '1'
        || magic[3] > '9') {
      String other = otherCompression(magic, got);
      if (other != null) {
        throw new OtaException(
            ReasonCode.DELTA_UNSUPPORTED_FORMAT,
            other,
            name + " block compression: expected bzip2, found " + other);
      }
      throw corrupt(
          Long.toString(start),
          name + " block at offset " + start + ": expected a bzip2 stream ('BZh1'..'BZh9')");
    }
    InputStream raw = new BufferedInputStream(new RangeInputStream(pc, start, end), chunkSize);
    return new BZip2CompressorInputStream(raw, false);
  }

  private static String otherCompression(byte[] m, int got) {
    if (got >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
      return "gzip";
    }
    if (got >= 4 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X') {
      return "xz";
    }
    if (got >= 4
        && (m[0] & 0xff) == 0x28
        && (m[1] & 0xff) == 0xb5
        && (m[2] & 0xff) == 0x2f
        && (m[3] & 0xff) == 0xfd) {
      return "zstd";
    }
    if (got >= 4 && m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d && m[3] == 0x18) {
      return "lz4";
    }
    if (got >= 3 && m[0] == 0x5d && m[1] == 0 && m[2] == 0) {
      return "lzma";
    }
    return null;
  }

  private static int readAt(FileChannel pc, byte[] dst, long position) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(dst);
    while (buf.hasRemaining()) {
      int n;
      try {
        n = pc.read(buf, position + buf.position());
      } catch (IOException e) {
        throw new RangeInputStream.SourceException(e);
      }
      if (n < 0) {
        break;
      }
    }
    return buf.position();
  }

  private long run(
      SeekableByteChannel old,
      long oldSize,
      InputStream ctrl,
      InputStream diff,
      InputStream extra,
      Sink out,
      long newSize)
      throws IOException {
    byte[] triple = new byte[Bsdiff40.TRIPLE_SIZE];
    byte[] data = new byte[chunkSize];
    ByteBuffer oldBuf = ByteBuffer.allocate(chunkSize);
    long newPos = 0;
    long oldPos = 0;
    long entries = 0;
    while (newPos < newSize) {
      if (entries > newSize) {
        throw corrupt(
            Long.toString(entries),
            "control block: expected at most newSize + 1 = "
                + (newSize + 1)
                + " triples, found more with the output at "
                + newPos);
      }
      if (readFully(ctrl, triple, 0, triple.length) < triple.length) {
        throw corrupt(
            Long.toString(entries),
            "control block: ended after "
                + entries
                + " triples, output at "
                + newPos
                + " of "
                + newSize);
      }
      long x = Bsdiff40.decode(triple, 0);
      long y = Bsdiff40.decode(triple, 8);
      long z = Bsdiff40.decode(triple, 16);
      long left = newSize - newPos;
      if (x < 0 || y < 0) {
        throw corrupt(
            x + "," + y,
            "control triple "
                + entries
                + ": expected non-negative lengths, found x="
                + x
                + " y="
                + y);
      }
      if (x > left || y > left - x) {
        throw corrupt(
            x + "," + y,
            "control triple "
                + entries
                + ": x="
                + x
                + " y="
                + y
                + " run past the new size "
                + newSize
                + " from "
                + newPos);
      }
      long oldAfter = addOrCorrupt(oldPos, x, entries);
      oldAfter = addOrCorrupt(oldAfter, z, entries);

      copyDiff(old, oldSize, oldPos, x, diff, data, oldBuf, out, entries);
      copyExtra(y, extra, data, out, entries);
      newPos += x + y;
      oldPos = oldAfter;
      entries++;
    }
    if (ctrl.read() >= 0) {
      throw corrupt(
          Long.toString(entries),
          "control block: expected its end after "
              + entries
              + " triples completed the output, found more data");
    }
    LOG.debug("applied {} control triples, {} bytes", entries, newSize);
    return entries;
  }

  private static long addOrCorrupt(long pos, long delta, long entry) {
    try {
      return Math.addExact(pos, delta);
    } catch (ArithmeticException e) {
      throw corrupt(
          Long.toString(delta),
          "control triple " + entry + ": old position " + pos + " + " + delta + " overflows");
    }
  }

  private void copyDiff(
      SeekableByteChannel old,
      long oldSize,
      long oldPos,
      long length,
      InputStream diff,
      byte[] data,
      ByteBuffer oldBuf,
      Sink out,
      long entry)
      throws IOException {
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(data.length, length - done);
      if (readFully(diff, data, 0, n) < n) {
        throw corrupt(
            Long.toString(entry), "diff block: ended early while serving control triple " + entry);
      }
      addOld(old, oldSize, oldPos + done, data, n, oldBuf);
      out.write(ByteBuffer.wrap(data, 0, n));
      done += n;
    }
  }

  private static void addOld(
      SeekableByteChannel old, long oldSize, long pos, byte[] data, int n, ByteBuffer oldBuf) {
    // Only [from, to) of this chunk lies inside the old image; the rest adds zero.
    long from = Math.max(pos, 0);
    long to = Math.min(pos + n, oldSize);
    if (from >= to) {
      return;
    }
    int len = (int) (to - from);
    oldBuf.clear().limit(len);
    try {
      old.position(from);
      while (oldBuf.hasRemaining()) {
        if (old.read(oldBuf) < 0) {
          throw new OtaException(
              ReasonCode.IO_ERROR,
              Long.toString(from + oldBuf.position()),
              "old image: expected "
                  + oldSize
                  + " bytes, channel ended at "
                  + (from + oldBuf.position()));
        }
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, Long.toString(from), "old image: read failed at " + from, e);
    }
    byte[] ob = oldBuf.array();
    int base = (int) (from - pos);
    for (int i = 0; i < len; i++) {
      data[base + i] += ob[i];
    }
  }

  private static void copyExtra(long length, InputStream extra, byte[] data, Sink out, long entry)
      throws IOException {
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(data.length, length - done);
      if (readFully(extra, data, 0, n) < n) {
        throw corrupt(
            Long.toString(entry), "extra block: ended early while serving control triple " + entry);
      }
      out.write(ByteBuffer.wrap(data, 0, n));
      done += n;
    }
  }

  private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
    int done = 0;
    try {
      while (done < len) {
        int n = in.read(b, off + done, len - done);
        if (n < 0) {
          break;
        }
        done += n;
      }
    } catch (EOFException e) {
      return done;
    } catch (RuntimeException e) {
      if (e instanceof OtaException) {
        throw e;
      }
      // A decoder fed hostile data may fail with an unchecked exception.
      throw new IOException("decoder failed: " + e, e);
    }
    return done;
  }

  private static OtaException corrupt(String value, String message) {
    return new OtaException(ReasonCode.DELTA_CORRUPT, value, message);
  }

  private static OtaException corrupt(String value, String message, Throwable cause) {
    return new OtaException(ReasonCode.DELTA_CORRUPT, value, message, cause);
  }
}
