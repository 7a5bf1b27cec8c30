package dev.workmesh.worker;

import dev.workmesh.core.loop.PeriodicLoop;
import java.time.Duration;

/**
 * How the worker runs its periodic loops (heartbeats, spool resend, idle pull): on mesh-core's {@link
 * PeriodicLoop}, the first run one interval after the start, each wait ±10% so that a fleet restarted
 * together does not call the API in step. Failed runs are counted in the loop meters.
 */
public final class WorkerLoops {

  private WorkerLoops() {}

  /** Starts {@code body} every {@code interval} as the loop {@code name}. */
  public static PeriodicLoop start(String name, Duration interval, Runnable body, WorkerMetrics metrics) {
    return PeriodicLoop.every(name, interval)
        .firstRunAfter(interval)
        .jitter(0.1)
        .running(body)
        .meters(metrics.registry())
        .start();
  }
}
