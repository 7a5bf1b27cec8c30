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
 * claim of a directed task, a pull) and held while the attempt's subagent runs, so the worker never
 * claims more than it can run.
 *
 * <p>mesh-api counts an attempt against the agent's {@code max_concurrency} until its report lands, which
 * on a busy mesh takes longer than a short subagent runs. So the worker enrols with room for as many
 * reports on their way as it has slots ({@link #agentMaxConcurrency}), and an attempt whose subagent ended
 * hands its slot over to one of those report permits ({@link Permit#freeForReport()}): the next claim goes
 * out while the report is still on its way, and mesh-api never sees more unreported attempts than the
 * agent's max_concurrency. An agent enrolled with less room has no report permits, and its attempts keep
 * their slot until the report is delivered or spooled.
 */
public final class Slots {

  private final int capacity;
  private final Semaphore free;
  private final Semaphore reporting = new Semaphore(0);

  public Slots(int capacity) {
    this.capacity = capacity;
    this.free = new Semaphore(capacity, true);
  }

  /** The max_concurrency a worker of {@code slots} slots enrols with: its slots plus as many reports on their way. */
  public static int agentMaxConcurrency(int slots) {
    return 2 * slots;
  }

  /**
   * Gives the report permits an agent of {@code agentMaxConcurrency} has room for (at most one per slot);
   * call once, when the agent's max_concurrency is known.
   */
  public void allowReportsInFlight(int agentMaxConcurrency) {
    reporting.release(Math.clamp(agentMaxConcurrency - capacity, 0, capacity));
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
    private final AtomicBoolean handedOver = new AtomicBoolean();

    private Permit() {}

    /**
     * The subagent ended and only its report is left: frees the slot now when a report permit is free,
     * holding that permit instead until {@link #release()}. Returns whether it did.
     */
    public synchronized boolean freeForReport() {
      if (released.get() || handedOver.get() || !reporting.tryAcquire()) {
        return false;
      }
      handedOver.set(true);
      free.release();
      return true;
    }

    public synchronized void release() {
      if (released.compareAndSet(false, true)) {
        (handedOver.get() ? reporting : free).release();
      }
    }
  }
}
