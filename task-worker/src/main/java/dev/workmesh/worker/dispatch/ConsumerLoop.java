package dev.workmesh.worker.dispatch;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker's Kafka consumers share: a thread of their own, a loop that runs until {@link
 * #close()}, waits that a close ends at once, a loop error that is counted, logged and followed by a
 * pause, and the free slot a claim goes into.
 */
abstract class ConsumerLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  /** How long the loop rests after an error before it polls again. */
  static final Duration BACKOFF = Duration.ofSeconds(1);

  private final String threadName;
  private final Runnable onLoopError;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean running = true;
  private Thread thread;

  /**
   * @param threadName the name of the consumer's thread
   * @param onLoopError counts an error of the loop (the worker's loop-error metric)
   */
  ConsumerLoop(String threadName, Runnable onLoopError) {
    this.threadName = threadName;
    this.onLoopError = onLoopError;
  }

  final void start() {
    thread = Thread.ofPlatform().name(threadName).start(this::run);
  }

  /** The consumer's loop, on its own thread; it polls while {@link #running()}. */
  abstract void run();

  /** Ends a poll in progress ({@code wakeup()} of the Kafka consumer in use, if any). */
  abstract void wakeup();

  final boolean running() {
    return running;
  }

  /** Counts and logs an error of the loop, then rests for {@link #BACKOFF} before the loop polls again. */
  final void loopFailed(String consumer, RuntimeException e) {
    loopError();
    log.error("{} failed; polling again in {}", consumer, BACKOFF, e);
    pause(BACKOFF);
  }

  final void loopError() {
    onLoopError.run();
  }

  /**
   * A free slot for a claim, waiting at most {@code slotWait} for one. Empty when none freed up, when the
   * worker is stopping, or when the API cannot take claims now (then after resting {@code apiWait}).
   */
  final Optional<Slots.Permit> freeSlot(Slots slots, TaskClaimer claimer, Duration apiWait, Duration slotWait) {
    if (!claimer.apiAvailable()) {
      pause(apiWait);
      return Optional.empty();
    }
    try {
      return slots.tryAcquire(slotWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return Optional.empty();
    }
  }

  /** Waits for {@code duration}, or until {@link #close()}. */
  final void pause(Duration duration) {
    try {
      closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops polling; what the loop has in hand is settled first. Waits for the thread to end. */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    wakeup();
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
