package org.edgeota.download.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives a response body as a flow of buffers and hands them to one reading thread, which can
 * wait for them with a time limit.
 *
 * <p>Design: the JDK's {@code ofInputStream()} blocks its reader without a time limit, so a server
 * that stops sending would hold a download forever. Here the reader polls with a timeout and checks
 * throughput and deadline between polls. The reader takes everything that has arrived in one go
 * ({@link #pollAll}), so one wake-up of the reader serves many of the client's buffers.
 *
 * <p>Backpressure is counted in bytes, not in batches: the client's buffer size is a JVM-wide
 * setting ({@code jdk.httpclient.bufsize}, 16 KiB by default), so a fixed number of batches would
 * hold 256 KiB with one setting and many MiB with another. The reader asks for more only while the
 * bytes queued plus the bytes still asked for (counted at the largest batch seen) stay within the
 * window ({@value #WINDOW_BYTES} bytes by default); the memory held is that window plus one batch.
 */
public final class BodyQueue implements Flow.Subscriber<List<ByteBuffer>> {
  /** Returned by {@link #pollAll} when the body ended normally. */
  public static final Object END = new Object();

  /** The most bytes queued or asked for ahead of the reader by default; bounds the memory held. */
  public static final long WINDOW_BYTES = 1L << 20;

  /**
   * The size of one of the JDK client's buffers by default: the smallest size a batch is counted
   * at, so that empty or tiny batches never lead to asking for thousands of batches at once.
   */
  private static final long DEFAULT_BATCH = 16L << 10;

  private final long windowBytes;
  private final long firstDemand;
  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;
  private volatile long largestBatch;

  /** Batches asked for so far; written by the subscribing thread first, then by the reader. */
  private volatile long requested;

  /**
   * Creates a queue.
   *
   * @param windowBytes the most bytes queued or asked for ahead of the reader (at least one batch
   *     is always asked for); a bandwidth cap wants a small window, so that the client does not
   *     read a burst from the network ahead of the cap
   */
  public BodyQueue(long windowBytes) {
    this.windowBytes = windowBytes;
    this.firstDemand = Math.max(1, Math.min(16, windowBytes / DEFAULT_BATCH));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    requested = firstDemand;
    this.subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(firstDemand);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    long bytes = 0;
    for (ByteBuffer b : item) {
      bytes += b.remaining();
    }
    if (bytes > largestBatch) {
      largestBatch = bytes;
    }
    queuedBytes.addAndGet(bytes);
    delivered.incrementAndGet();
    items.add(item);
  }

  @Override
  public void onError(Throwable t) {
    items.add(t);
  }

  @Override
  public void onComplete() {
    items.add(END);
  }

  /**
   * Waits for the next item and takes it together with every item that arrived behind it.
   *
   * @param timeout the longest wait
   * @param into receives, in order, {@code List<ByteBuffer>} batches, then possibly one {@link
   *     Throwable} or {@link #END}; stays empty when nothing arrived in time
   * @throws InterruptedException when interrupted while waiting
   */
  public void pollAll(Duration timeout, List<Object> into) throws InterruptedException {
    Object first = items.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    if (first == null) {
      return;
    }
    into.add(first);
    items.drainTo(into);
  }

  /**
   * Records that the reader consumed a batch, which frees its bytes in the window.
   *
   * @param bytes the bytes of the consumed batch
   */
  public void consumed(long bytes) {
    queuedBytes.addAndGet(-bytes);
  }

  /** Asks the client for as many batches as the byte window allows, after batches were consumed. */
  public void requestMore() {
    Flow.Subscription s = subscription;
    if (s == null || cancelled) {
      return;
    }
    // Empty batches must not make a batch look tiny: that would ask for a huge count of them.
    long batch = Math.max(DEFAULT_BATCH, largestBatch);
    long asked = Math.max(0, requested - delivered.get());
    long queued = queuedBytes.get();
    long more = (windowBytes - queued - asked * batch) / batch;
    if (more < 1 && asked == 0 && queued == 0) {
      // A batch larger than the window: one at a time, or the body would stall.
      more = 1;
    }
    if (more > 0) {
      requested += more;
      s.request(more);
    }
  }

  /**
   * Returns a fresh list for {@link #pollAll}.
   *
   * @return an empty list
   */
  public static List<Object> newBatch() {
    return new ArrayList<>();
  }

  /** Stops the body; the connection is closed, nothing more is delivered. */
  public void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
