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
 * collection. Runs on every replica; only the lease holder does the work; on close it hands the lease
 * over at once. Its meters are the loop's ({@link dev.workmesh.core.loop.LoopMetrics}), with {@code
 * loop="scheduler"} and one {@code step} per job.
 */
public final class SchedulerMaintenance {

  public static final String LEASE = "scheduler";

  private SchedulerMaintenance() {}

  /** Builds the loop of one replica; the caller starts it (or ticks it) and closes it. */
  public static MaintenanceLoop create(MeshCore core, String replicaId, Duration leaseTerm, Duration leaseMargin,
      Duration interval, List<PeriodicLoop.Step> jobs, MeterRegistry meters) {
    LeaderLease lease = new LeaderLease(core.db(), LEASE, replicaId, leaseTerm, leaseMargin);
    return new MaintenanceLoop(lease, interval, jobs, meters);
  }

  public static List<PeriodicLoop.Step> jobs(MeshCore core, FireRecordCleaner cleaner, int promoteBatch,
      Duration redispatchAfter, int redispatchBatch) {
    return List.of(
        new PromoteDueTasks(core.maintenance(), promoteBatch),
        new RedispatchStaleTasks(core.maintenance(), redispatchAfter, redispatchBatch),
        cleaner);
  }
}
