package dev.workmesh.core.task;

import dev.workmesh.core.db.MeshDb;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The task work of the scheduler's leader-only maintenance: promoting pending tasks whose time has come,
 * and dispatching again ready tasks whose record nobody took.
 */
public final class TaskMaintenance {

  private final MeshDb db;
  private final TaskLifecycle lifecycle;

  public TaskMaintenance(MeshDb db, TaskLifecycle lifecycle) {
    this.db = db;
    this.lifecycle = lifecycle;
  }

  /**
   * Promotes up to {@code batch} pending tasks whose time has come and whose dependencies all succeeded.
   * Safe to run on several replicas at once (rows are taken with SKIP LOCKED); run it on the leader.
   *
   * @return how many tasks became ready
   */
  public int promoteDue(int batch) {
    return db.inTransaction(() -> {
      List<UUID> due =
          db.jdbc()
              .sql("SELECT t.id FROM task t WHERE t.status = 'pending' AND t.available_at <= :now"
                  + " AND NOT EXISTS (SELECT 1 FROM task d WHERE d.id = ANY(t.depends_on) AND d.status <> 'succeeded')"
                  + " ORDER BY t.available_at LIMIT :n FOR UPDATE OF t SKIP LOCKED")
              .param("now", MeshDb.ts(db.now()))
              .param("n", batch)
              .query(UUID.class)
              .list();
      for (UUID id : due) {
        lifecycle.becomeReady(id, "due");
      }
      return due.size();
    });
  }

  /**
   * Publishes a fresh dispatch record for up to {@code batch} ready tasks whose last one is older than
   * {@code stale}: their record may have been lost, archived, or consumed while no eligible agent had room
   * (invariant 4).
   *
   * @return how many tasks were dispatched again
   */
  public int redispatchStale(Duration stale, int batch) {
    return db.inTransaction(() -> {
      Instant now = db.now();
      List<MeshTask> staleTasks =
          db.jdbc()
              .sql("SELECT " + TaskStore.COLUMNS + " FROM task WHERE status = 'ready' AND dispatched_at < :cutoff"
                  // a spent mission's tasks cannot be claimed: no record until its budget is raised
                  + " AND NOT EXISTS (SELECT 1 FROM mission bm WHERE bm.id = task.mission_id AND bm.budget_exhausted)"
                  + " ORDER BY dispatched_at LIMIT :n FOR UPDATE SKIP LOCKED")
              .param("cutoff", MeshDb.ts(now.minus(stale)))
              .param("n", batch)
              .query((rs, i) -> TaskStore.mapTask(db, rs))
              .list();
      if (staleTasks.isEmpty()) {
        return 0;
      }
      db.jdbc()
          .sql("UPDATE task SET dispatched_at = :now WHERE id = ANY(:ids)")
          .param("now", MeshDb.ts(now))
          .param("ids", MeshDb.uuidArray(staleTasks.stream().map(MeshTask::id).toList()))
          .update();
      lifecycle.dispatchAgain(staleTasks, now);
      return staleTasks.size();
    });
  }
}
