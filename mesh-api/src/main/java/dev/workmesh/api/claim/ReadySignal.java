package dev.workmesh.api.claim;

import dev.workmesh.core.db.PgNotifications;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling claimers when a task becomes ready anywhere in the mesh. The database sends a
 * notification on commit (trigger {@code task_ready_notify}), so any API replica's waiters wake, whichever
 * replica or service made the task ready. Gauge {@code mesh_claim_long_polls_waiting}: the long polls parked
 * here now.
 */
@Component
class ReadySignal {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;
  private int waiting;

  ReadySignal(PgNotifications notifications, MeterRegistry meters) {
    notifications.subscribe("mesh_task_ready", pool -> signal());
    Gauge.builder("mesh_claim_long_polls_waiting", this, ReadySignal::waiting)
        .description("long-polling claims parked until a task becomes ready or their wait ends")
        .register(meters);
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

  /** Waits until a signal newer than {@code seen} arrives or {@code timeout} passes. */
  void awaitAfter(long seen, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    waiting++;
    try {
      while (generation == seen && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  /** How many long polls wait here now. */
  int waiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }
}
