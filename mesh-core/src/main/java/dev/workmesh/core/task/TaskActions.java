package dev.workmesh.core.task;

import dev.workmesh.core.db.MeshDb;
import java.util.Map;
import java.util.UUID;

/** What an operator (or an agent, on its own tasks) does to a task: cancel it, or retry it after it ended. */
public final class TaskActions {

  private final MeshDb db;
  private final TaskStore store;
  private final TaskLifecycle lifecycle;

  public TaskActions(MeshDb db, TaskStore store, TaskLifecycle lifecycle) {
    this.db = db;
    this.store = store;
    this.lifecycle = lifecycle;
  }

  /**
   * Cancels a task: pending or ready ones end cancelled at once; claimed or running ones get
   * cancellation requested, which their agent sees on its next heartbeat. Idempotent on a task that is
   * already cancelled; a task that ended otherwise is a conflict.
   */
  public MeshTask cancel(UUID taskId) {
    return db.inTransaction(() -> {
      MeshTask task = lifecycle.lockWithTargets(taskId);
      switch (task.status()) {
        case CANCELLED -> { }
        case PENDING -> lifecycle.finishBadly(taskId, TaskStatus.CANCELLED, "cancelled before it was claimed", null, null);
        case READY -> {
          if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
            lifecycle.requestCancel(task);
            lifecycle.broadcast().settle(taskId, "cancelled");
          } else {
            lifecycle.finishBadly(taskId, TaskStatus.CANCELLED, "cancelled before it was claimed", null, null);
          }
        }
        case CLAIMED, RUNNING -> {
          lifecycle.requestCancel(task);
          if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
            lifecycle.broadcast().cancel(taskId);
          }
        }
        case SUCCEEDED, FAILED -> TaskTransitions.check(taskId, task.status(), TaskStatus.CANCELLED);
      }
      return store.get(taskId);
    });
  }

  /**
   * A manual retry of a failed or cancelled task: it gets a fresh budget of {@code max_attempts} and goes
   * back to ready (or pending while a dependency has not succeeded).
   */
  public MeshTask retry(UUID taskId) {
    return db.inTransaction(() -> {
      MeshTask task = lifecycle.lock(taskId);
      if (task.status() != TaskStatus.FAILED && task.status() != TaskStatus.CANCELLED) {
        throw new IllegalTransitionException(taskId, task.status(), TaskStatus.READY);
      }
      db.jdbc()
          .sql("UPDATE task SET attempt_limit = attempt + max_attempts, error = NULL, result = NULL,"
              + " finished_at = NULL, cancel_requested = false WHERE id = :id")
          .param("id", taskId)
          .update();
      boolean dependenciesDone =
          db.jdbc()
              .sql("SELECT NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(:deps) AND d.status <> 'succeeded')")
              .param("deps", MeshDb.uuidArray(task.dependsOn()))
              .query(Boolean.class)
              .single();
      if (dependenciesDone) {
        lifecycle.becomeReady(taskId, "manual retry");
      } else {
        MeshTask before = lifecycle.move(taskId, TaskStatus.PENDING, "available_at = :now", Map.of());
        lifecycle.emit(before, before.status(), TaskStatus.PENDING, before.attempt(), null, null,
            "manual retry; waiting for dependencies");
      }
      return store.get(taskId);
    });
  }
}
