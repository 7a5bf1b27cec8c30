package dev.workmesh.worker.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker's subagent slots. A slot is taken before anything that may win a claim (a Kafka poll, a
 * claim of a directed task, a pull) and held until the attempt's report is delivered or spooled, so
 * the worker never claims more than it can run.
 */
public final class Slots {

  private final int capacity;
  private final Semaphore free;

  public Slots(int capacity) {
    this.capacity = capacity;
    this.free = new Semaphore(capacity, true);
  }

  public int capacity() {
    return capacity;
  }

  public int free() {
    return free.availablePermits();
  }

  public int busy() {
    return capacity - free.availablePermits();
  }

  public Optional<Permit> tryAcquire() {
    return free.tryAcquire() ? Optional.of(new Permit()) : Optional.empty();
  }

  /** Waits up to {@code wait} for a free slot. */
  public Optional<Permit> tryAcquire(Duration wait) throws InterruptedException {
    return free.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(new Permit()) : Optional.empty();
  }

  /** Every slot free right now (possibly none). */
  public List<Permit> acquireAllFree() {
    int n = free.drainPermits();
    List<Permit> permits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      permits.add(new Permit());
    }
    return permits;
  }

  /** One taken slot; releasing it twice frees it once. */
  public final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit() {}

    public void release() {
      if (released.compareAndSet(false, true)) {
        free.release();
      }
    }
  }
}
