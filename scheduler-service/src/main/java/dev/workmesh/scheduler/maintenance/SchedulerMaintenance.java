package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.leader.LeaderLease;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.loop.PeriodicLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The scheduler's leader-only sweeps on mesh-core's {@link MaintenanceLoop}, under the lease {@value
 * #LEASE}: promotion of due pending tasks, re-dispatch of stale ready tasks, and fire-record garbage
 * collection. Runs on every replica; only the lease holder does the work. Its meters are the loop's
 * ({@link dev.workmesh.core.loop.LoopMetrics}), with {@code loop="scheduler"} and one {@code step} per job.
 */
public final class SchedulerMaintenance implements AutoCloseable {

  public static final String LEASE = "scheduler";

  private final MaintenanceLoop loop;

  public SchedulerMaintenance(MeshCore core, String replicaId, Duration leaseTerm, Duration leaseMargin,
      Duration interval, List<PeriodicLoop.Step> jobs, MeterRegistry meters) {
    LeaderLease lease = new LeaderLease(core.db(), LEASE, replicaId, leaseTerm, leaseMargin);
    this.loop = new MaintenanceLoop(lease, interval, jobs, meters);
  }

  public static List<PeriodicLoop.Step> jobs(MeshCore core, FireRecordCleaner cleaner, int promoteBatch,
      Duration redispatchAfter, int redispatchBatch) {
    return List.of(
        new PromoteDueTasks(core.maintenance(), promoteBatch),
        new RedispatchStaleTasks(core.maintenance(), redispatchAfter, redispatchBatch),
        cleaner);
  }

  public void start() {
    loop.start();
  }

  /** One tick on the caller's thread: renew or take the lease, then sweep if leading. */
  public boolean tick() {
    return loop.tick();
  }

  public boolean isLeader() {
    return loop.isLeader();
  }

  /** Stops and hands the lease over at once. */
  @Override
  public void close() {
    loop.close();
  }
}
