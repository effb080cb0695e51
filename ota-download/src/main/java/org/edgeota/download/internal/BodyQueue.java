package org.edgeota.download.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Receives a response body as a flow of buffers and hands them to one reading thread, which can
 * wait for them with a time limit.
 *
 * <p>Design: the JDK's {@code ofInputStream()} blocks its reader without a time limit, so a server
 * that stops sending would hold a download forever. Here the reader polls with a timeout and checks
 * throughput and deadline between polls. At most {@value #PREFETCH} batches of the client's buffers
 * are asked for ahead of the reader, which bounds the memory held (backpressure) while the reader
 * and the client's threads work at the same time.
 */
public final class BodyQueue implements Flow.Subscriber<List<ByteBuffer>> {
  /** Returned by {@link #poll} when the body ended normally. */
  public static final Object END = new Object();

  /** How many batches are asked for ahead of the reader; bounds the memory held. */
  private static final int PREFETCH = 16;

  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(PREFETCH);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
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
   * Waits for the next item.
   *
   * @param timeout the longest wait
   * @return a {@code List<ByteBuffer>}, a {@link Throwable}, {@link #END}, or {@code null} when
   *     nothing arrived in time
   * @throws InterruptedException when interrupted while waiting
   */
  public Object poll(Duration timeout) throws InterruptedException {
    return items.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Asks for the next batch of buffers, after the current one was consumed. */
  public void requestNext() {
    Flow.Subscription s = subscription;
    if (s != null && !cancelled) {
      s.request(1);
    }
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
