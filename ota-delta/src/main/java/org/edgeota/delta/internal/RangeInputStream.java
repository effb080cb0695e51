package org.edgeota.delta.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An input stream over one byte range of a file channel, read with positional reads so that several
 * ranges of the same file can be streamed at once. It never reads past the range end.
 */
final class RangeInputStream extends InputStream {

  /** Marks a failure of the underlying file, as opposed to malformed data. */
  static final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceException(IOException cause) {
      super(cause.toString(), cause);
    }
  }

  private final FileChannel channel;
  private long position;
  private final long end;

  RangeInputStream(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.position = start;
    this.end = end;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    long left = end - position;
    if (left <= 0) {
      return -1;
    }
    ByteBuffer buf = ByteBuffer.wrap(b, off, (int) Math.min(len, left));
    int n;
    try {
      n = channel.read(buf, position);
    } catch (IOException e) {
      throw new SourceException(e);
    }
    if (n < 0) {
      // The file shrank under us: the header said the range exists.
      throw new SourceException(new IOException("patch file ended at " + position));
    }
    position += n;
    return n;
  }
}
