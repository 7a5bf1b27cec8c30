package dev.workmesh.bench.mesh;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the benchmark's clients saw, per task: when it was submitted (and when it was meant to be), every
 * claim won and every completion acknowledged. Times are {@link System#nanoTime()} of this JVM, where
 * submitters and workers both run, so they compare directly. The database audit is the authority; this
 * is the clients' side of the same story, and the source of the latency figures.
 */
final class ClaimLedger {

  /** One task as the clients saw it. */
  static final class Entry {
    volatile long scheduledAt;
    volatile long sentAt;
    volatile boolean submitted;
    volatile long claimedAt;
    final AtomicInteger claims = new AtomicInteger();
    final AtomicInteger completions = new AtomicInteger();
  }

  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong kafkaClaims = new AtomicLong();
  private final AtomicLong pulledClaims = new AtomicLong();
  private final AtomicLong pulls = new AtomicLong();
  private final AtomicLong hints = new AtomicLong();
  private final AtomicLong staleHints = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong submitterCpuNanos = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition completed = lock.newCondition();
  private final Map<String, Timing> timings = new ConcurrentHashMap<>();
  private volatile long lastCompletionAt;
  private volatile String firstError;

  private Entry entry(UUID id) {
    return entries.computeIfAbsent(id, k -> new Entry());
  }

  void submitted(UUID id, long scheduledAt, long sentAt) {
    Entry e = entry(id);
    e.scheduledAt = scheduledAt;
    e.sentAt = sentAt;
    e.submitted = true;
  }

  void claimed(UUID id, long at, boolean pulled) {
    Entry e = entry(id);
    if (e.claims.incrementAndGet() == 1) {
      e.claimedAt = at;
    }
    (pulled ? pulledClaims : kafkaClaims).incrementAndGet();
  }

  void completed(UUID id, long at) {
    entry(id).completions.incrementAndGet();
    lastCompletionAt = at;
    completions.incrementAndGet();
    lock.lock();
    try {
      completed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Time spent in one kind of call of the worker loops: the breakdown of where a task's time goes. */
  static final class Timing {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();
  }

  void timed(String what, long startedAt) {
    Timing t = timings.computeIfAbsent(what, k -> new Timing());
    t.calls.incrementAndGet();
    t.nanos.addAndGet(System.nanoTime() - startedAt);
  }

  /** Per kind of call: calls and mean milliseconds. */
  Map<String, Map<String, Double>> timings() {
    Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
    timings.forEach((k, t) -> out.put(k, Map.of("calls", (double) t.calls.get(),
        "mean_ms", t.calls.get() == 0 ? 0 : Math.round(t.nanos.get() / 1e4 / t.calls.get()) / 100.0)));
    return out;
  }

  /** CPU time of a submitting thread that is about to end. */
  void submitterCpu(long nanos) {
    submitterCpuNanos.addAndGet(nanos);
  }

  /** Resets the submitters' CPU time at the start of a measured window; returns what it was. */
  long takeSubmitterCpu() {
    return submitterCpuNanos.getAndSet(0);
  }

  void pulled() {
    pulls.incrementAndGet();
  }

  void hint(boolean stale) {
    hints.incrementAndGet();
    if (stale) {
      staleHints.incrementAndGet();
    }
  }

  void error(Throwable e) {
    if (errors.incrementAndGet() == 1) {
      firstError = e.toString();
    }
  }

  /** Waits until {@code target} completions in all; false on timeout. */
  boolean awaitCompletions(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (completions.get() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        completed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  long completions() {
    return completions.get();
  }

  long lastCompletionAt() {
    return lastCompletionAt;
  }

  Map<UUID, Entry> entries() {
    return entries;
  }

  long kafkaClaims() {
    return kafkaClaims.get();
  }

  long pulledClaims() {
    return pulledClaims.get();
  }

  long pulls() {
    return pulls.get();
  }

  long hints() {
    return hints.get();
  }

  long staleHints() {
    return staleHints.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError;
  }
}
