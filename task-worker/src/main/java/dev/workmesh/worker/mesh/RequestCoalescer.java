package dev.workmesh.worker.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns calls that arrive close together into one request. The first item waits at most {@code window}
 * for company, a batch holds at most {@code maxBatch} items, and while one request is on its way the next
 * items queue, so under load the batches grow by themselves and an idle worker adds at most the window.
 * One thread sends, one request at a time.
 *
 * <p>Written by hand: the per-item answers of a batch endpoint (each item fenced and refused on its own)
 * do not fit a general-purpose batching library's contract.
 *
 * @param <T> one item, e.g. a report
 * @param <R> its answer; {@code send} answers every item of a batch, in order
 */
public final class RequestCoalescer<T, R> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RequestCoalescer.class);

  private record Pending<T, R>(T item, CompletableFuture<R> answer) {}

  private final String name;
  private final long windowNanos;
  private final int maxBatch;
  private final Function<List<T>, List<R>> send;
  private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
  private final Thread sender;
  private volatile boolean open = true;

  /**
   * @param window how long the first item of a batch waits for more (zero: only what already queued)
   * @param maxBatch the most items of one request
   * @param send sends one batch and answers each item, in order
   */
  public RequestCoalescer(String name, Duration window, int maxBatch, Function<List<T>, List<R>> send) {
    if (window.isNegative() || maxBatch < 1) {
      throw new IllegalArgumentException("a coalescer needs a window of 0 or more and batches of at least 1");
    }
    this.name = name;
    this.windowNanos = window.toNanos();
    this.maxBatch = maxBatch;
    this.send = send;
    this.sender = Thread.ofPlatform().daemon().name(name).start(this::run);
  }

  /** Queues {@code item} for the next request; the answer completes once that request was answered. */
  public CompletableFuture<R> submit(T item) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    if (!open) {
      answer.completeExceptionally(new IllegalStateException(name + " is closed"));
      return answer;
    }
    queue.add(new Pending<>(item, answer));
    return answer;
  }

  private void run() {
    while (open || !queue.isEmpty()) {
      List<Pending<T, R>> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        break; // only a dying JVM interrupts this thread; close() lets it finish what is queued
      }
      if (!batch.isEmpty()) {
        sendBatch(batch);
      }
    }
    for (Pending<T, R> left; (left = queue.poll()) != null; ) {
      left.answer().completeExceptionally(new IllegalStateException(name + " is closed"));
    }
  }

  private List<Pending<T, R>> nextBatch() throws InterruptedException {
    Pending<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return List.of();
    }
    List<Pending<T, R>> batch = new ArrayList<>(Math.min(maxBatch, 16));
    batch.add(first);
    long deadline = System.nanoTime() + windowNanos;
    while (batch.size() < maxBatch) {
      queue.drainTo(batch, maxBatch - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= maxBatch || left <= 0) {
        break;
      }
      Pending<T, R> next;
      try {
        next = queue.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break; // what was taken is still sent
      }
      if (next == null) {
        break;
      }
      batch.add(next);
    }
    return batch;
  }

  private void sendBatch(List<Pending<T, R>> batch) {
    try {
      List<R> answers = send.apply(batch.stream().map(Pending::item).toList());
      if (answers.size() != batch.size()) {
        throw new IllegalStateException(name + " got " + answers.size() + " answers for " + batch.size() + " items");
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer().complete(answers.get(i));
      }
    } catch (RuntimeException e) {
      log.debug("{}: a batch of {} failed: {}", name, batch.size(), e.toString());
      batch.forEach(p -> p.answer().completeExceptionally(e));
    }
  }

  /** Sends what is queued, then stops; items submitted later fail at once. */
  @Override
  public void close() {
    open = false;
    try {
      sender.join(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
