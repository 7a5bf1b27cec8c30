package dev.workmesh.api.claim;

import dev.workmesh.core.db.PgNotifications;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling claimers when a task becomes ready anywhere in the mesh. The database sends a
 * notification on commit (trigger {@code task_ready_notify}), so any API replica's waiters wake, whichever
 * replica or service made the task ready. Long-polls wait here ({@link LongPollClaims}).
 *
 * <p>No lock is shared between waiters: the generation is an atomic counter, and a waiter parks its own
 * (virtual) thread after putting it in a concurrent set, which a signal walks to unpark each. A waiter whose
 * wait runs out just leaves the set. With a lock and its condition, every waiter took the lock to read the
 * generation, and each one whose wait ran out took it again and walked the whole condition queue to unlink
 * itself: with 10,000 waiting, expiries queued on that lock behind the scheduling of virtual threads. A signal
 * cannot be missed: a waiter joins the set before it reads the generation, and a signal bumps the generation
 * before it walks the set, so either the waiter sees the new generation or the signal sees the waiter.
 *
 * <p>When the service begins to stop, every waiter wakes and is answered at once (with what it has, usually
 * nothing): its lifecycle stops in the first shutdown phase, before the web server waits for requests in
 * flight, so a long-poll never holds a stop for its full wait.
 */
@Component
class ReadySignal implements SmartLifecycle {

  private final AtomicLong generation = new AtomicLong();
  private final Set<Thread> parked = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private volatile boolean stopping;

  ReadySignal(PgNotifications notifications) {
    notifications.subscribe("mesh_task_ready", pool -> signal());
  }

  void signal() {
    generation.incrementAndGet();
    for (Thread waiter : parked) {
      LockSupport.unpark(waiter);
    }
  }

  /** The current generation; pass it to {@link #awaitAfter} to not miss a signal that came in between. */
  long generation() {
    return generation.get();
  }

  /**
   * Waits until a signal newer than {@code seen} arrives, {@code timeout} passes, or the service stops; true
   * unless the time ran out.
   */
  boolean awaitAfter(long seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Thread waiter = Thread.currentThread();
    parked.add(waiter);
    try {
      while (generation.get() == seen && !stopping) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return true;
    } finally {
      parked.remove(waiter);
    }
  }

  /** How many threads are parked waiting for a signal now. */
  int waiting() {
    return parked.size();
  }

  /** True once the service has begun to stop: a long-poll answers with what it has instead of waiting. */
  boolean stopping() {
    return stopping;
  }

  @Override
  public void start() {
    stopping = false;
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    stopping = true;
    signal();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
