package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.task.TaskMaintenance;
import java.time.Duration;

/**
 * Writes a fresh dispatch record for ready tasks nobody claimed within {@code after} (invariant 4:
 * their Kafka record may have been lost, or consumed while no eligible agent had room).
 */
public record RedispatchStaleTasks(TaskMaintenance tasks, Duration after, int batch) implements PeriodicLoop.Step {

  @Override
  public String name() {
    return "redispatch-stale";
  }

  @Override
  public int runOnce() {
    return tasks.redispatchStale(after, batch);
  }
}
