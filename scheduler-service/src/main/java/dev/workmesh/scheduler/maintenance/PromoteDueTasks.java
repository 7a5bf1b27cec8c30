package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.task.TaskMaintenance;

/** Moves pending tasks whose {@code not_before} or retry backoff passed, and whose dependencies succeeded, to ready. */
public record PromoteDueTasks(TaskMaintenance tasks, int batch) implements PeriodicLoop.Step {

  @Override
  public String name() {
    return "promote-due";
  }

  @Override
  public int runOnce() {
    return tasks.promoteDue(batch);
  }
}
