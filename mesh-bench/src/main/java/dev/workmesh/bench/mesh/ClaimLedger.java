package dev.workmesh.bench.mesh;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * What the benchmark saw, per task: when it was submitted (and when it was meant to be), and each time
 * a worker started it (won its claim). Times are {@link System#nanoTime()} of this JVM, where submitters
 * and workers both run, so they compare directly. The database audit is the authority; this is the
 * clients' side of the same story, and the source of the latency figures.
 */
final class ClaimLedger {

  /** How often the completion count is looked at: the resolution of a scenario's end. */
  private static final long COMPLETION_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** One task as the clients saw it. */
  static final class Entry {
    volatile long scheduledAt;
    volatile long sentAt;
    volatile boolean submitted;
    volatile long claimedAt;
    final AtomicInteger claims = new AtomicInteger();
  }

  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong submitterCpuNanos = new AtomicLong();
  private volatile long lastCompletionAt;
  private volatile long completions;
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

  /** A worker started the task: it won the claim. */
  void claimed(UUID id, long at) {
    Entry e = entry(id);
    if (e.claims.incrementAndGet() == 1) {
      e.claimedAt = at;
    }
  }

  /** CPU time of a submitting thread that is about to end. */
  void submitterCpu(long nanos) {
    submitterCpuNanos.addAndGet(nanos);
  }

  /** Resets the submitters' CPU time at the start of a measured window; returns what it was. */
  long takeSubmitterCpu() {
    return submitterCpuNanos.getAndSet(0);
  }

  void error(Throwable e) {
    if (errors.incrementAndGet() == 1) {
      firstError = e.toString();
    }
  }

  /**
   * Waits until {@code done} (tasks the workers reported, over all workers) reaches {@code target}, and
   * notes when it last grew; false on timeout.
   */
  boolean awaitCompletions(LongSupplier done, long target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = completions;
    while (true) {
      long now = done.getAsLong();
      if (now != seen) {
        seen = now;
        completions = now;
        lastCompletionAt = System.nanoTime();
      }
      if (now >= target) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(COMPLETION_POLL_NANOS);
    }
  }

  long completions() {
    return completions;
  }

  long lastCompletionAt() {
    return lastCompletionAt;
  }

  Map<UUID, Entry> entries() {
    return entries;
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError;
  }
}
