package org.edgeota.delta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded generators of firmware-like images and of realistic edits between releases (tests). */
public final class Images {
  private Images() {}

  /**
   * Returns an image made of code-like sections (random words with recurring opcodes), text tables
   * and zero padding, like a firmware image.
   */
  public static byte[] firmware(long seed, int size) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] img = new byte[size];
    byte[] opcodes = new byte[64];
    r.nextBytes(opcodes);
    int pos = 0;
    while (pos < size) {
      int kind = r.nextInt(10);
      int len = Math.min(size - pos, 512 + r.nextInt(16 * 1024));
      if (kind < 6) {
        for (int i = 0; i < len; i++) {
          img[pos + i] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : opcodes[r.nextInt(64)];
        }
      } else if (kind < 9) {
        byte[] text =
            ("config_" + r.nextInt(1000) + "=value;error: operation failed at %s\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
          img[pos + i] = text[i % text.length];
        }
      }
      pos += len;
    }
    return img;
  }

  /**
   * Returns the next release of an image: scattered small changes (as when addresses move), an
   * inserted block, a deleted block and a moved block.
   */
  public static byte[] nextRelease(byte[] old, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = old.clone();
    int scattered = Math.max(1, old.length / 4096);
    for (int i = 0; i < scattered && b.length > 0; i++) {
      int at = r.nextInt(b.length);
      b[at] = (byte) (b[at] + 1 + r.nextInt(3));
    }
    if (b.length < 16) {
      return insert(b, b.length / 2, randomBytes(r, 1 + r.nextInt(8)));
    }
    int span = Math.max(1, b.length / 50);
    b = insert(b, r.nextInt(b.length), randomBytes(r, 1 + r.nextInt(span)));
    b = delete(b, r.nextInt(b.length - 1), 1 + r.nextInt(span));
    return move(b, r.nextInt(b.length - 1), 1 + r.nextInt(span), r.nextInt(b.length));
  }

  static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] insert(byte[] b, int at, byte[] what) {
    int p = Math.min(Math.max(at, 0), b.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
    out.write(b, 0, p);
    out.writeBytes(what);
    out.write(b, p, b.length - p);
    return out.toByteArray();
  }

  static byte[] delete(byte[] b, int at, int len) {
    int p = Math.min(Math.max(at, 0), b.length);
    int n = Math.min(len, b.length - p);
    byte[] out = new byte[b.length - n];
    System.arraycopy(b, 0, out, 0, p);
    System.arraycopy(b, p + n, out, p, b.length - p - n);
    return out;
  }

  static byte[] move(byte[] b, int from, int len, int to) {
    int p = Math.min(Math.max(from, 0), b.length);
    int n = Math.min(len, b.length - p);
    byte[] block = Arrays.copyOfRange(b, p, p + n);
    byte[] rest = delete(b, p, n);
    return insert(rest, Math.min(to, rest.length), block);
  }
}
