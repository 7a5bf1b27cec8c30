package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.core.task.TaskMaintenance;

/** Moves pending tasks whose {@code not_before} or retry backoff passed, and whose dependencies succeeded, to ready. */
public final class PromoteDueTasks implements PeriodicLoop.Step {

  private final TaskMaintenance tasks;
  private final int batch;

  public PromoteDueTasks(TaskMaintenance tasks, int batch) {
    this.tasks = tasks;
    this.batch = batch;
  }

  @Override
  public String name() {
    return "promote-due";
  }

  @Override
  public int runOnce() {
    return tasks.promoteDue(batch);
  }

  @Override
  public int batch() {
    return batch;
  }
}
