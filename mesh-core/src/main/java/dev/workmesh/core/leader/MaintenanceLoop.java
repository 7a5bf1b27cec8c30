package dev.workmesh.core.leader;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shape of every maintenance service (promoter, re-dispatcher, lease rescuer, health sweep): a
 * ticker that, on each tick, takes or renews a {@link LeaderLease} and, only while it leads, runs each
 * job's {@code runOnce}. A job that did a full batch runs again at once; errors are caught, logged and
 * counted, and the loop goes on. Intervals carry jitter so replicas do not tick in step.
 */
public final class MaintenanceLoop implements AutoCloseable {

  /** One job of the loop. {@link #runOnce} returns how much it did; {@code batch} means "there is more". */
  public interface Job {
    String name();

    int runOnce();

    /** The batch size: a run that did this much is repeated at once. */
    default int batch() {
      return Integer.MAX_VALUE;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(MaintenanceLoop.class);
  private static final int MAX_REPEATS_PER_TICK = 50;

  private final LeaderLease lease;
  private final Duration interval;
  private final List<Job> jobs;
  private final MeterRegistry meters;
  private final ScheduledExecutorService ticker;
  private volatile boolean wasLeader;

  public MaintenanceLoop(LeaderLease lease, Duration interval, List<Job> jobs, MeterRegistry meters) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("maintenance interval must be positive, got " + interval);
    }
    this.lease = lease;
    this.interval = interval;
    this.jobs = List.copyOf(jobs);
    this.meters = meters == null ? new SimpleMeterRegistry() : meters;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mesh-maintenance-" + lease.name());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts ticking in the background. */
  public void start() {
    scheduleNext(Duration.ZERO);
  }

  private void scheduleNext(Duration delay) {
    if (ticker.isShutdown()) {
      return;
    }
    ticker.schedule(() -> {
      try {
        tick();
      } finally {
        scheduleNext(jittered(interval));
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One tick, on the caller's thread: renew leadership, then run every job if leading. */
  public boolean tick() {
    boolean leader;
    try {
      leader = lease.acquireOrRenew();
    } catch (RuntimeException e) {
      log.warn("maintenance '{}': cannot renew the leader lease, stepping down: {}", lease.name(), e.toString());
      meters.counter("mesh_maintenance_lease_errors_total", "loop", lease.name()).increment();
      leader = false;
    }
    if (leader != wasLeader) {
      log.info("maintenance '{}': {} is {} leader", lease.name(), lease.holder(), leader ? "now" : "no longer");
      wasLeader = leader;
    }
    if (!leader) {
      return false;
    }
    for (Job job : jobs) {
      runJob(job);
    }
    return true;
  }

  private void runJob(Job job) {
    for (int repeat = 0; repeat < MAX_REPEATS_PER_TICK && lease.isLeader(); repeat++) {
      int done;
      try {
        done = job.runOnce();
      } catch (RuntimeException e) {
        log.warn("maintenance '{}' job '{}' failed; will try again next tick", lease.name(), job.name(), e);
        meters.counter("mesh_maintenance_runs_total", "loop", lease.name(), "job", job.name(), "outcome", "error")
            .increment();
        return;
      }
      meters.counter("mesh_maintenance_runs_total", "loop", lease.name(), "job", job.name(), "outcome", "ok")
          .increment();
      meters.counter("mesh_maintenance_items_total", "loop", lease.name(), "job", job.name()).increment(done);
      if (done < job.batch()) {
        return;
      }
    }
  }

  private static Duration jittered(Duration base) {
    long ms = base.toMillis();
    long jitter = ms / 5;
    return Duration.ofMillis(ms - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
  }

  public boolean isLeader() {
    return lease.isLeader();
  }

  /** Stops ticking and gives up leadership so that another replica takes over at once. */
  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      lease.release();
    } catch (RuntimeException e) {
      log.warn("maintenance '{}': could not release the leader lease: {}", lease.name(), e.toString());
    }
  }
}
