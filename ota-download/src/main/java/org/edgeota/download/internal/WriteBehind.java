package org.edgeota.download.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gathers a body's buffers into a few large off-heap chunks, writes each full chunk to the partial
 * file and hashes it on a thread of its own while the next chunk fills.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>The JDK client hands out heap buffers of {@code jdk.httpclient.bufsize} bytes (16 KiB by
 *       default). Writing those one by one costs a system call and a copy into a temporary direct
 *       buffer each; one copy into a chunk of {@value #CHUNK_BYTES} bytes and one write per chunk
 *       is cheaper, most of all in a JVM whose JIT is still cold.
 *   <li>SHA-256 costs about as much CPU as the socket reads and the page-cache writes together.
 *       Hashing a written chunk on a second thread lets it overlap the next reads and writes.
 *   <li>Only the calling thread writes, in order, so the file always holds a prefix of the body:
 *       {@link #written()} bytes, exact at any moment on that thread. The digest may lag behind the
 *       file; {@link #settle()} writes what is buffered and waits until the digest covers exactly
 *       the file. Every step that reads the digest, truncates or records progress for a restart
 *       settles first (or {@link #abandon() abandons} the buffered bytes).
 *   <li>Memory is fixed: {@value #CHUNKS} chunks, whatever the file size. When the hashing thread
 *       falls behind, the writer waits for a free chunk, which slows the reads: backpressure.
 *   <li>Waits are not interruptible: the hashing thread always finishes a chunk within
 *       milliseconds, and a download that is being interrupted must still be able to settle and
 *       record its progress. An interrupt that arrives during a wait is kept for the caller.
 * </ul>
 */
final class WriteBehind implements AutoCloseable {
  /** The size of one chunk: one write system call and one hashing task. */
  static final int CHUNK_BYTES = 512 << 10;

  /** The number of chunks: one filling, the others written and waiting for the hash. */
  static final int CHUNKS = 4;

  private final MessageDigest digest;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS);
  private ExecutorService hasher;
  private Future<?> lastHash;
  private FileChannel channel;
  private ByteBuffer filling;
  private long written;

  /**
   * Creates a write-behind stage.
   *
   * @param digest the digest that covers the file's bytes; touched by the hashing thread between
   *     {@link #append} and {@link #settle}, by the caller only after settling
   */
  WriteBehind(MessageDigest digest) {
    this.digest = digest;
  }

  /**
   * Starts writing to {@code channel} at {@code position}; the digest must already cover the file's
   * first {@code position} bytes.
   *
   * @param channel the partial file
   * @param position the file's size, where the next byte goes
   */
  void startAt(FileChannel channel, long position) {
    this.channel = channel;
    this.written = position;
    if (filling != null) {
      filling.clear();
    }
  }

  /**
   * Returns how many bytes the file holds: every appended byte except those still gathered.
   *
   * @return the bytes written to the file so far
   */
  long written() {
    return written;
  }

  /**
   * Copies {@code src} (all of its remaining bytes) into the stage, writing every chunk that fills.
   *
   * @param src the bytes to append; its position moves to its limit
   * @throws IOException when a write fails
   */
  void append(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (filling == null) {
        filling = takeChunk();
      }
      int n = Math.min(src.remaining(), filling.remaining());
      filling.put(filling.position(), src, src.position(), n);
      filling.position(filling.position() + n);
      src.position(src.position() + n);
      if (!filling.hasRemaining()) {
        writeOut();
      }
    }
  }

  /**
   * Writes the gathered bytes and waits until the digest covers exactly the file's bytes.
   *
   * @throws IOException when a write fails
   */
  void settle() throws IOException {
    if (filling != null && filling.position() > 0) {
      writeOut();
    }
    awaitHashing();
  }

  /**
   * Drops the gathered bytes that were not written yet and waits for the hashing thread, so that
   * the caller may reset the digest and truncate the file.
   */
  void abandon() {
    if (filling != null) {
      filling.clear();
    }
    awaitHashing();
  }

  /** Stops the hashing thread; buffered bytes are dropped. */
  @Override
  public void close() {
    if (hasher != null) {
      hasher.shutdownNow();
      hasher = null;
    }
  }

  private ByteBuffer takeChunk() {
    if (hasher == null) {
      hasher =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ota-download-hash");
                t.setDaemon(true);
                return t;
              });
      for (int i = 0; i < CHUNKS; i++) {
        free.add(ByteBuffer.allocateDirect(CHUNK_BYTES));
      }
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return free.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeOut() throws IOException {
    ByteBuffer chunk = filling;
    filling = null;
    chunk.flip();
    long pos = written;
    try {
      while (chunk.hasRemaining()) {
        pos += channel.write(chunk, pos);
      }
    } catch (IOException | RuntimeException e) {
      chunk.clear();
      free.add(chunk);
      throw e;
    }
    written = pos;
    chunk.rewind();
    lastHash =
        hasher.submit(
            () -> {
              digest.update(chunk);
              chunk.clear();
              free.add(chunk);
            });
  }

  private void awaitHashing() {
    Future<?> f = lastHash;
    if (f == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException("hashing a written chunk failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    lastHash = null;
  }
}
