package org.edgeota.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BodyQueueTest {
  /** Records what the queue asks the publisher for. */
  private static final class RecordingSubscription implements Flow.Subscription {
    final List<Long> requests = new ArrayList<>();
    boolean cancelled;

    @Override
    public void request(long n) {
      requests.add(n);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    long total() {
      return requests.stream().mapToLong(Long::longValue).sum();
    }
  }

  private static List<ByteBuffer> batch(int bytes) {
    return List.of(ByteBuffer.allocate(bytes));
  }

  @Test
  void pollAll_severalBatchesArrived_takesAllOfThemInOrderWithTheEnd() throws Exception {
    BodyQueue queue = new BodyQueue(1 << 20);
    queue.onSubscribe(new RecordingSubscription());
    List<ByteBuffer> first = batch(10);
    List<ByteBuffer> second = batch(20);
    queue.onNext(first);
    queue.onNext(second);
    queue.onComplete();
    List<Object> into = BodyQueue.newBatch();

    queue.pollAll(Duration.ofMillis(10), into);

    assertThat(into).containsExactly(first, second, BodyQueue.END);
  }

  @Test
  void pollAll_nothingArrived_leavesTheListEmpty() throws Exception {
    BodyQueue queue = new BodyQueue(1 << 20);
    queue.onSubscribe(new RecordingSubscription());
    List<Object> into = BodyQueue.newBatch();

    queue.pollAll(Duration.ofMillis(5), into);

    assertThat(into).isEmpty();
  }

  @Test
  void requestMore_largeBatches_neverAsksBeyondTheByteWindow() throws Exception {
    long window = 1 << 20;
    int batchBytes = 256 << 10;
    BodyQueue queue = new BodyQueue(window);
    RecordingSubscription s = new RecordingSubscription();
    queue.onSubscribe(s);
    List<Object> into = BodyQueue.newBatch();
    long delivered = 0;

    for (int round = 0; round < 50; round++) {
      while (delivered < s.total()) {
        queue.onNext(batch(batchBytes));
        delivered++;
      }
      into.clear();
      queue.pollAll(Duration.ofMillis(5), into);
      queue.consumed((long) batchBytes * into.size());
      queue.requestMore();
      long outstanding = s.total() - delivered;
      assertThat(outstanding * batchBytes).isLessThanOrEqualTo(window);
    }

    assertThat(delivered).isGreaterThan(50);
  }

  @Test
  void requestMore_batchesQueuedUpToTheWindow_asksForNothingMore() {
    long window = 64 << 10;
    BodyQueue queue = new BodyQueue(window);
    RecordingSubscription s = new RecordingSubscription();
    queue.onSubscribe(s);
    long first = s.total();
    for (long i = 0; i < first; i++) {
      queue.onNext(batch(16 << 10));
    }

    queue.requestMore();

    assertThat(first).isEqualTo(4);
    assertThat(s.total()).isEqualTo(first);
  }

  @Test
  void requestMore_batchLargerThanTheWindowConsumed_stillAsksForOne() {
    BodyQueue queue = new BodyQueue(64 << 10);
    RecordingSubscription s = new RecordingSubscription();
    queue.onSubscribe(s);
    long first = s.total();
    for (long i = 0; i < first; i++) {
      queue.onNext(batch(1 << 20));
      queue.consumed(1 << 20);
    }

    queue.requestMore();

    assertThat(s.total()).isEqualTo(first + 1);
  }

  /** Empty batches once made a batch count as one byte, so the queue asked for a million. */
  @Test
  void requestMore_onlyEmptyBatchesSoFar_asksForAtMostAWindowOfDefaultSizedBatches() {
    long window = 1 << 20;
    BodyQueue queue = new BodyQueue(window);
    RecordingSubscription s = new RecordingSubscription();
    queue.onSubscribe(s);
    long first = s.total();
    for (long i = 0; i < first; i++) {
      queue.onNext(batch(0));
    }

    queue.requestMore();

    assertThat(s.total() - first).isLessThanOrEqualTo(window / (16 << 10));
  }

  @Test
  void cancel_beforeSubscription_cancelsItOnArrival() {
    BodyQueue queue = new BodyQueue(1 << 20);
    RecordingSubscription s = new RecordingSubscription();

    queue.cancel();
    queue.onSubscribe(s);

    assertThat(s.cancelled).isTrue();
    assertThat(s.requests).isEmpty();
  }
}
