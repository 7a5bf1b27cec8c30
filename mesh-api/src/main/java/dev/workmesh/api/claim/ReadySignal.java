package dev.workmesh.api.claim;

import dev.workmesh.core.db.PgNotifications;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling claimers when a task becomes ready anywhere in the mesh. The database sends a
 * notification on commit (trigger {@code task_ready_notify}), so any API replica's waiters wake, whichever
 * replica or service made the task ready. Long-polls wait here ({@link LongPollClaims}).
 *
 * <p>When the service begins to stop, every waiter wakes and is answered at once (with what it has, usually
 * nothing): its lifecycle stops in the first shutdown phase, before the web server waits for requests in
 * flight, so a long-poll never holds a stop for its full wait.
 */
@Component
class ReadySignal implements SmartLifecycle {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;
  private volatile boolean running;
  private volatile boolean stopping;

  ReadySignal(PgNotifications notifications) {
    notifications.subscribe("mesh_task_ready", pool -> signal());
  }

  void signal() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The current generation; pass it to {@link #awaitAfter} to not miss a signal that came in between. */
  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a signal newer than {@code seen} arrives, {@code timeout} passes, or the service stops; true
   * unless the time ran out.
   */
  boolean awaitAfter(long seen, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (generation == seen && nanos > 0 && !stopping) {
        nanos = changed.awaitNanos(nanos);
      }
      return generation != seen || stopping;
    } finally {
      lock.unlock();
    }
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
