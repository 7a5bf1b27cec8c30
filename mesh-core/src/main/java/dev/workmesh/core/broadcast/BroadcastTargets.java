package dev.workmesh.core.broadcast;

import dev.workmesh.core.db.MeshDb;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Every statement on {@code broadcast_target} but one: the claim, which takes a target in the same single
 * statement as every other claim (ClaimEngine). Status changes follow {@link TargetTransitions}. Methods run
 * in the caller's transaction.
 */
public final class BroadcastTargets {

  /** One target as settlement reads it. */
  public record Target(UUID agentId, TargetStatus status, String resultJson, String error) {}

  /** An open target whose agent is gone, as the watchdog's sweep finds it. */
  public record Abandoned(UUID taskId, UUID agentId) {}

  private static final String ABANDONED = """
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

  private final MeshDb db;

  public BroadcastTargets(MeshDb db) {
    this.db = db;
  }

  /** Locks every target of a task, in agent order: the order a claim takes them in. */
  public void lockAll(UUID taskId) {
    db.jdbc()
        .sql("SELECT agent_id FROM broadcast_target WHERE task_id = :id ORDER BY agent_id FOR UPDATE")
        .param("id", taskId)
        .query(UUID.class)
        .list();
  }

  /**
   * Fixes a task's targets as it becomes ready: every connected agent of its pool that holds its capabilities
   * (and offers its runtime, if it names one). Targets that succeeded before are kept; the others are
   * replaced. Returns the ready targets' agents.
   */
  public List<UUID> fix(UUID taskId, String pool, Collection<String> capabilities, String runtime) {
    db.jdbc()
        .sql("DELETE FROM broadcast_target WHERE task_id = :id AND status <> 'succeeded'")
        .param("id", taskId)
        .update();
    db.jdbc()
        .sql("INSERT INTO broadcast_target (task_id, agent_id, status, available_at)"
            + " SELECT :id, a.id, 'ready', :now FROM agent a"
            + " WHERE a.status = 'connected' AND :pool = ANY(a.pools) AND a.capabilities @> :caps"
            + " AND (CAST(:runtime AS text) IS NULL OR cardinality(a.runtimes) = 0 OR :runtime = ANY(a.runtimes))"
            + " ON CONFLICT (task_id, agent_id) DO NOTHING")
        .param("id", taskId)
        .param("now", MeshDb.ts(db.now()))
        .param("pool", pool)
        .param("caps", MeshDb.textArray(List.copyOf(capabilities)))
        .param("runtime", runtime)
        .update();
    return ready(taskId);
  }

  /** The agents whose target of this task waits for them to claim. */
  public List<UUID> ready(UUID taskId) {
    return db.jdbc()
        .sql("SELECT agent_id FROM broadcast_target WHERE task_id = :id AND status = 'ready' ORDER BY agent_id")
        .param("id", taskId)
        .query(UUID.class)
        .list();
  }

  /** Every target of a task, in agent order. */
  public List<Target> all(UUID taskId) {
    return db.jdbc()
        .sql("SELECT agent_id, status, result::text AS result, error FROM broadcast_target WHERE task_id = :id"
            + " ORDER BY agent_id")
        .param("id", taskId)
        .query((rs, i) -> new Target(MeshDb.uuid(rs, "agent_id"), TargetStatus.fromWire(rs.getString("status")),
            rs.getString("result"), rs.getString("error")))
        .list();
  }

  /** One target's status and spent attempts, locked until the transaction ends. */
  public record Locked(TargetStatus status, int attempts) {}

  public Locked lock(UUID taskId, UUID agentId) {
    return db.jdbc()
        .sql("SELECT status, attempts FROM broadcast_target WHERE task_id = :id AND agent_id = :agent FOR UPDATE")
        .param("id", taskId)
        .param("agent", agentId)
        .query((rs, i) -> new Locked(TargetStatus.fromWire(rs.getString("status")), rs.getInt("attempts")))
        .single();
  }

  /** Records how a target's attempt ended (or that its agent left): its new status, when, with what. */
  public void record(UUID taskId, UUID agentId, TargetStatus from, TargetStatus to, Instant availableAt,
      JsonNode result, String error) {
    TargetTransitions.check(taskId, agentId, from, to);
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = :status, available_at = :at, result = CAST(:result AS jsonb),"
            + " error = :error WHERE task_id = :id AND agent_id = :agent")
        .param("status", to.wire())
        .param("at", MeshDb.ts(availableAt))
        .param("result", result == null ? null : db.writeJson(result))
        .param("error", error)
        .param("id", taskId)
        .param("agent", agentId)
        .update();
  }

  /** A target gives its claim back: claimable again at once, the attempt not counted. */
  public void release(UUID taskId, UUID agentId) {
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = 'ready', attempts = attempts - 1, available_at = :now"
            + " WHERE task_id = :id AND agent_id = :agent AND status IN " + TargetTransitions.fromSql(TargetStatus.READY))
        .param("now", MeshDb.ts(db.now()))
        .param("id", taskId)
        .param("agent", agentId)
        .update();
  }

  /** The target's agent started working on its claim. */
  public void start(UUID taskId, UUID agentId) {
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = 'running' WHERE task_id = :id AND agent_id = :agent"
            + " AND status = 'claimed'")
        .param("id", taskId)
        .param("agent", agentId)
        .update();
  }

  /** Cancels the targets still waiting for their agent (the task ended or is being cancelled). */
  public void cancelOpen(UUID taskId) {
    db.jdbc()
        .sql("UPDATE broadcast_target SET status = 'cancelled' WHERE task_id = :id AND status IN ('ready', 'pending')")
        .param("id", taskId)
        .update();
  }

  /** Up to {@code batch} open targets whose agent disconnected or was revoked, their tasks locked. */
  public List<Abandoned> abandoned(int batch) {
    return db.jdbc()
        .sql(ABANDONED)
        .param("n", batch)
        .query((rs, i) -> new Abandoned(MeshDb.uuid(rs, "task_id"), MeshDb.uuid(rs, "agent_id")))
        .list();
  }

  /** Whether this target is still open with its agent gone, locked (skipped when another holds it). */
  public boolean stillAbandoned(Abandoned target) {
    Optional<UUID> row = db.jdbc()
        .sql(STILL_ABANDONED)
        .param("task", target.taskId())
        .param("agent", target.agentId())
        .query(UUID.class)
        .optional();
    return row.isPresent();
  }
}
