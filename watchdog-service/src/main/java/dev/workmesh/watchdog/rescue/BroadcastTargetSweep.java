package dev.workmesh.watchdog.rescue;

import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.TaskLifecycle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;

/**
 * The broadcast rule: a broadcast target whose agent is gone (disconnected or revoked) does not keep its
 * broadcast task open. A leader-only {@link MaintenanceLoop} job, run after the lease rescue.
 *
 * <p>A target that had claimed is handled by the rescue: its live attempt ends {@code lost} and the target
 * goes back to {@code ready} (or fails once its attempts are used up). A target still {@code ready} or
 * {@code pending} (it never claimed, or its claim was just rescued) would wait forever for an agent that does
 * not come back: this sweep fails it with "agent disconnected before it claimed", which fails the broadcast
 * task ("target agent ... failed"), cancels its other open targets and asks live ones to stop — the same
 * settlement as a target failing for good. An agent that comes back later finds the task already failed;
 * an operator retries it ({@code POST /work/tasks/{id}/retry}) to broadcast afresh to the agents then
 * connected.
 *
 * <p>Locking: the task row first ({@code SKIP LOCKED}, as mesh-core's settlement does), then the target and
 * its agent ({@code SKIP LOCKED} too), re-checked under lock. A target being claimed right now, or an agent
 * whose heartbeat or revocation is committing, is skipped and looked at again on the next sweep.
 */
public final class BroadcastTargetSweep implements MaintenanceLoop.Job {

  public static final String REASON = "agent disconnected before it claimed";
  public static final String ABANDONED = "mesh.broadcast.targets.abandoned";

  private static final String DUE = """
      SELECT bt.task_id, bt.agent_id
      FROM broadcast_target bt
      JOIN agent g ON g.id = bt.agent_id
      JOIN task t ON t.id = bt.task_id
      WHERE bt.status IN ('ready', 'pending') AND g.status IN ('disconnected', 'revoked')
        AND t.claim_policy = 'broadcast' AND t.status IN ('ready', 'running')
      ORDER BY bt.task_id, bt.agent_id
      LIMIT :n
      FOR UPDATE OF t SKIP LOCKED
      """;

  private static final String STILL_ABANDONED = """
      SELECT bt.agent_id FROM broadcast_target bt JOIN agent g ON g.id = bt.agent_id
      WHERE bt.task_id = :task AND bt.agent_id = :agent
        AND bt.status IN ('ready', 'pending') AND g.status IN ('disconnected', 'revoked')
      FOR UPDATE OF bt SKIP LOCKED FOR SHARE OF g SKIP LOCKED
      """;

  private record Target(UUID taskId, UUID agentId) {}

  private final MeshDb db;
  private final TaskLifecycle lifecycle;
  private final int batch;
  private final Counter abandoned;

  public BroadcastTargetSweep(MeshDb db, TaskLifecycle lifecycle, int batch, MeterRegistry meters) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.batch = batch;
    this.abandoned = Counter.builder(ABANDONED)
        .description("Broadcast targets failed because their agent disconnected or was revoked before claiming")
        .register(meters);
  }

  @Override
  public String name() {
    return "broadcast-abandoned-targets";
  }

  @Override
  public int batch() {
    return batch;
  }

  /** Fails up to one batch of open targets whose agent is gone; returns how many it failed. */
  @Override
  public int runOnce() {
    int failed = db.inTransaction(() -> {
      List<Target> due = db.jdbc()
          .sql(DUE)
          .param("n", batch)
          .query((rs, i) -> new Target(MeshDb.uuid(rs, "task_id"), MeshDb.uuid(rs, "agent_id")))
          .list();
      int n = 0;
      for (Target target : due) {
        // Failing one target settles its task, which cancels the task's other open targets: re-check each.
        boolean stillAbandoned = db.jdbc()
            .sql(STILL_ABANDONED)
            .param("task", target.taskId())
            .param("agent", target.agentId())
            .query(UUID.class)
            .optional()
            .isPresent();
        if (stillAbandoned) {
          // Workaround until mesh-core exposes "fail this target and settle its task": a target failing for
          // good without retry is exactly what afterTargetAttempt(..., retryable=false) records; no attempt
          // row is involved, the target's attempt count is left as it was.
          lifecycle.afterTargetAttempt(target.taskId(), target.agentId(), AttemptOutcome.LOST, null, REASON, false);
          n++;
        }
      }
      return n;
    });
    abandoned.increment(failed);
    return failed;
  }
}
