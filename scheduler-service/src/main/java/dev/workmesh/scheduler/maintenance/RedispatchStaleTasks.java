package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.TaskLifecycle;
import java.time.Duration;

/**
 * Writes a fresh dispatch record for ready tasks nobody claimed within {@code after} (invariant 4:
 * their Kafka record may have been lost, or consumed while no eligible agent had room).
 */
public final class RedispatchStaleTasks implements MaintenanceLoop.Job {

  private final TaskLifecycle lifecycle;
  private final Duration after;
  private final int batch;

  public RedispatchStaleTasks(TaskLifecycle lifecycle, Duration after, int batch) {
    this.lifecycle = lifecycle;
    this.after = after;
    this.batch = batch;
  }

  @Override
  public String name() {
    return "redispatch-stale";
  }

  @Override
  public int runOnce() {
    return lifecycle.redispatchStale(after, batch);
  }

  @Override
  public int batch() {
    return batch;
  }
}
