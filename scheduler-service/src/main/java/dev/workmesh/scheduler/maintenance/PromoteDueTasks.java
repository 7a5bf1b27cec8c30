package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.TaskLifecycle;

/** Moves pending tasks whose {@code not_before} or retry backoff passed, and whose dependencies succeeded, to ready. */
public final class PromoteDueTasks implements MaintenanceLoop.Job {

  private final TaskLifecycle lifecycle;
  private final int batch;

  public PromoteDueTasks(TaskLifecycle lifecycle, int batch) {
    this.lifecycle = lifecycle;
    this.batch = batch;
  }

  @Override
  public String name() {
    return "promote-due";
  }

  @Override
  public int runOnce() {
    return lifecycle.promoteDue(batch);
  }

  @Override
  public int batch() {
    return batch;
  }
}
