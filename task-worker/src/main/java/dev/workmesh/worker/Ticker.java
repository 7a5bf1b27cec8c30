package dev.workmesh.worker;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop that runs its body every interval (±10% jitter, so a fleet restarted together does not call
 * the API in step), each run on a virtual thread and never two at once. A run that throws is logged
 * and counted, and the loop goes on: loops never die silently.
 */
public final class Ticker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Ticker.class);

  private final String name;
  private final ScheduledExecutorService timer;
  private final Duration interval;
  private final Runnable body;
  private final WorkerMetrics metrics;
  private volatile boolean stopped;
  private volatile ScheduledFuture<?> next;

  private Ticker(String name, ScheduledExecutorService timer, Duration interval, Runnable body, WorkerMetrics metrics) {
    this.name = name;
    this.timer = timer;
    this.interval = interval;
    this.body = body;
    this.metrics = metrics;
  }

  /** Starts the loop; the first run is after {@code firstDelay}. */
  public static Ticker start(
      String name, ScheduledExecutorService timer, Duration firstDelay, Duration interval, Runnable body, WorkerMetrics metrics) {
    Ticker ticker = new Ticker(name, timer, interval, body, metrics);
    ticker.schedule(firstDelay);
    return ticker;
  }

  private void schedule(Duration delay) {
    if (stopped) {
      return;
    }
    try {
      next = timer.schedule(() -> Thread.ofVirtual().name(name).start(this::runOnce), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true;
    }
  }

  private void runOnce() {
    try {
      if (!stopped) {
        body.run();
      }
    } catch (RuntimeException | Error e) {
      metrics.loopError(name);
      log.error("Loop '{}' failed; it runs again in {}", name, interval, e);
    } finally {
      long nanos = interval.toNanos();
      long jitter = nanos / 10;
      schedule(Duration.ofNanos(nanos - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1)));
    }
  }

  @Override
  public void close() {
    stopped = true;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
