package dev.workmesh.scheduler.loop;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A body run over and over on its own daemon thread, each run {@code interval} (plus or minus a fifth,
 * so that replicas drift apart) after the previous one ended. A run that throws is logged, counted in
 * {@code scheduler.loop.errors{loop}} and followed by the next one: the loop never dies silently.
 *
 * <p>The firing tick and the file watch run on every replica, so they do not use mesh-core's
 * leader-only {@code MaintenanceLoop}; this is the same ticker without the lease.
 */
public final class BackgroundLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BackgroundLoop.class);

  private final String name;
  private final Duration interval;
  private final Runnable body;
  private final MeterRegistry meters;
  private final ScheduledThreadPoolExecutor executor;

  public BackgroundLoop(String name, Duration interval, Runnable body, MeterRegistry meters) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("loop " + name + ": interval must be positive, got " + interval);
    }
    this.name = name;
    this.interval = interval;
    this.body = body;
    this.meters = meters;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "scheduler-" + name);
      thread.setDaemon(true);
      return thread;
    });
    // On close, drop the next scheduled run instead of waiting for it.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  public void start() {
    schedule(Duration.ZERO);
  }

  private void schedule(Duration delay) {
    if (executor.isShutdown()) {
      return;
    }
    try {
      executor.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed between the check and the call: nothing left to do
    }
  }

  private void runOnce() {
    try {
      body.run();
    } catch (RuntimeException e) {
      log.warn("loop '{}' failed; it runs again in about {}", name, interval, e);
      meters.counter("scheduler.loop.errors", "loop", name).increment();
    } finally {
      schedule(jittered(interval));
    }
  }

  static Duration jittered(Duration base) {
    long ms = base.toMillis();
    long jitter = ms / 5;
    return Duration.ofMillis(ms - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
  }

  /** Stops the loop, letting a run in progress finish (for up to five seconds, then interrupting it). */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("loop '{}' did not stop within 5s; interrupting it", name);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
