package dev.workmesh.core.claim;

import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.outbox.OutboxWriter.Message;
import dev.workmesh.core.outbox.TaskEvent;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Claims tasks for agents. Each claim is one SQL statement: it picks the best eligible tasks (priority,
 * then age) with {@code FOR UPDATE SKIP LOCKED}, moves them, and creates their attempts with a fencing
 * token and a lease. Concurrent claimers skip each other's rows instead of waiting, and the unique
 * partial indexes on live attempts make a double claim impossible even if the SQL were wrong
 * (invariants 1 and 7).
 */
public final class ClaimEngine {

  /**
   * Policies are WHERE predicates. {@code me} is the claiming agent with its room left under
   * max_concurrency; {@code %1$s} is an extra filter (a mission or one task).
   */
  private static final String CLAIM_SQL = """
      WITH me AS (
        SELECT a.id, a.pools, a.capabilities, a.runtimes,
               greatest(0, a.max_concurrency - (SELECT count(*) FROM attempt l WHERE l.agent_id = a.id AND l.outcome IS NULL)) AS room
        FROM agent a WHERE a.id = :agent AND a.status NOT IN ('revoked', 'disconnected')
      ),
      pooled AS (
        SELECT t.id, t.priority, t.ready_at, false AS broadcast
        FROM task t, me
        WHERE t.status = 'ready' AND t.claim_policy = 'first_claim'
          AND t.pool = ANY(me.pools) AND t.required_capabilities <@ me.capabilities
          AND (cardinality(me.runtimes) = 0 OR t.accepted_runtimes && me.runtimes) %1$s
        ORDER BY t.priority DESC, t.ready_at, t.id
        LIMIT least(:n, (SELECT room FROM me)) FOR UPDATE OF t SKIP LOCKED
      ),
      assigned AS (
        SELECT t.id, t.priority, t.ready_at, false AS broadcast
        FROM task t, me
        WHERE t.status = 'ready' AND t.claim_policy = 'assigned' AND t.assigned_agent = me.id %1$s
        ORDER BY t.priority DESC, t.ready_at, t.id
        LIMIT least(:n, (SELECT room FROM me)) FOR UPDATE OF t SKIP LOCKED
      ),
      targeted AS (
        SELECT t.id, t.priority, t.ready_at, true AS broadcast
        FROM broadcast_target bt JOIN task t ON t.id = bt.task_id, me
        WHERE bt.agent_id = me.id AND bt.status = 'ready' AND bt.available_at <= :now
          AND t.status IN ('ready', 'running') AND NOT t.cancel_requested %1$s
        ORDER BY t.priority DESC, t.ready_at, t.id
        LIMIT least(:n, (SELECT room FROM me)) FOR UPDATE OF bt SKIP LOCKED
      ),
      chosen AS (
        SELECT * FROM (SELECT * FROM pooled UNION ALL SELECT * FROM assigned UNION ALL SELECT * FROM targeted) c
        ORDER BY priority DESC, ready_at, id
        LIMIT least(:n, (SELECT room FROM me))
      ),
      took_task AS (
        UPDATE task SET status = 'claimed', attempt = attempt + 1, updated_at = :now
        WHERE id IN (SELECT c.id FROM chosen c WHERE NOT c.broadcast)
        RETURNING %2$s
      ),
      took_target AS (
        UPDATE broadcast_target bt SET status = 'claimed', attempts = bt.attempts + 1
        FROM chosen c WHERE bt.task_id = c.id AND bt.agent_id = :agent AND c.broadcast
        RETURNING bt.task_id AS id, bt.attempts AS number, true AS broadcast
      ),
      took AS (
        SELECT x.id, x.number, x.broadcast, gen_random_uuid() AS attempt_id,
               'wm_claim_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '') AS token
        FROM (SELECT id, attempt AS number, false AS broadcast FROM took_task UNION ALL SELECT * FROM took_target) x
      ),
      attempts AS (
        INSERT INTO attempt (id, task_id, agent_id, number, broadcast, claim_token_hash, lease_expires_at, claimed_at)
        SELECT attempt_id, id, :agent, number, broadcast, sha256(convert_to(token, 'UTF8')), :lease, :now FROM took
      )
      SELECT took.id AS took_id, took.number AS took_number, took.broadcast AS took_broadcast,
             took.attempt_id AS took_attempt_id, took.token AS took_token, tt.*
      FROM took JOIN chosen c ON c.id = took.id LEFT JOIN took_task tt ON tt.id = took.id
      ORDER BY c.priority DESC, c.ready_at, c.id
      """;

  /**
   * A mission whose budget is spent has its remaining tasks left unclaimed: one primary-key probe of a
   * flag that reports keep current (mission.budget_exhausted), never a sum over attempts.
   */
  private static final String WITHIN_BUDGET =
      "AND NOT EXISTS (SELECT 1 FROM mission bm WHERE bm.id = t.mission_id AND bm.budget_exhausted)";

  private static final String NEXT_SQL = claimSql(WITHIN_BUDGET);
  private static final String NEXT_IN_MISSION_SQL = claimSql("AND t.mission_id = :mission " + WITHIN_BUDGET);
  private static final String THESE_TASKS_SQL = claimSql("AND t.id = ANY(:tasks) " + WITHIN_BUDGET);

  /** The claim with this extra filter; a claimed task comes back whole, as its claim left it. */
  private static String claimSql(String filter) {
    return CLAIM_SQL.formatted(filter, TaskStore.COLUMNS);
  }

  private final MeshDb db;
  private final TaskStore store;
  private final OutboxWriter outbox;
  private final Duration lease;

  public ClaimEngine(MeshDb db, TaskStore store, OutboxWriter outbox, Duration lease) {
    this.db = db;
    this.store = store;
    this.outbox = outbox;
    this.lease = lease;
  }

  public Duration lease() {
    return lease;
  }

  /**
   * Claims up to {@code maxTasks} of the best tasks this agent may run: first_claim tasks of its pools
   * whose capabilities it holds and which a runtime it offers can run ({@code task.accepted_runtimes}: the
   * task's runtime hint, {@code exec} for an argv, {@code bash} for a command, else any agent CLI; an
   * agent that lists no runtimes, such as a model connected over MCP, does the work itself and takes any),
   * tasks assigned to it, and broadcast tasks that target it; never more than its max_concurrency leaves
   * room for. A disconnected agent claims nothing until a sign of life (any call it makes) has made it
   * connected again (its claims would be rescued at once).
   *
   * @param missionId only tasks of this mission, or any when null
   */
  public List<Claim> claimNext(UUID agentId, UUID missionId, int maxTasks) {
    String sql = missionId == null ? NEXT_SQL : NEXT_IN_MISSION_SQL;
    return claim(sql, agentId, Math.max(1, maxTasks), missionId == null ? Map.of() : Map.of("mission", missionId));
  }

  /**
   * Claims this task for the agent if it is still claimable by it (a worker reacting to a Kafka record).
   * Empty when someone else won, it is no longer ready, or this agent may not claim it.
   */
  public Optional<Claim> claimTask(UUID agentId, UUID taskId) {
    return claimTasks(agentId, List.of(taskId)).stream().findFirst();
  }

  /**
   * Claims, in one statement, those of these tasks that are still claimable by the agent (a worker
   * reacting to a batch of Kafka records); the others are left alone. Never more than max_concurrency
   * leaves room for; best first.
   */
  public List<Claim> claimTasks(UUID agentId, List<UUID> taskIds) {
    if (taskIds.isEmpty()) {
      return List.of();
    }
    List<UUID> distinct = taskIds.stream().distinct().toList();
    return claim(THESE_TASKS_SQL, agentId, distinct.size(), Map.of("tasks", MeshDb.uuidArray(distinct)));
  }

  /** One claimed task: its row as the claim left it, or null for a broadcast target's claim. */
  private record Took(UUID taskId, int number, boolean broadcast, UUID attemptId, String token, MeshTask task) {}

  private List<Claim> claim(String sql, UUID agentId, int n, Map<String, Object> filter) {
    return db.inTransaction(() -> {
      Instant now = db.now();
      Instant leaseExpiresAt = now.plus(lease);
      var statement = db.jdbc().sql(sql)
          .param("agent", agentId)
          .param("n", n)
          .param("now", MeshDb.ts(now))
          .param("lease", MeshDb.ts(leaseExpiresAt));
      for (var e : filter.entrySet()) {
        statement = statement.param(e.getKey(), e.getValue());
      }
      List<Took> took = statement
          .query((rs, i) -> {
            boolean broadcast = rs.getBoolean("took_broadcast");
            return new Took(MeshDb.uuid(rs, "took_id"), rs.getInt("took_number"), broadcast,
                MeshDb.uuid(rs, "took_attempt_id"), rs.getString("took_token"),
                broadcast ? null : TaskStore.mapTask(db, rs));
          })
          .list();
      if (took.isEmpty()) {
        return List.of();
      }
      Map<UUID, MeshTask> broadcastTasks = startBroadcasts(
          took.stream().filter(Took::broadcast).map(Took::taskId).toList(), now);
      List<Claim> claims = new ArrayList<>(took.size());
      List<Message> events = new ArrayList<>(took.size());
      for (Took t : took) {
        MeshTask task = t.broadcast() ? broadcastTasks.get(t.taskId()) : t.task();
        claims.add(new Claim(task, t.attemptId(), t.number(), t.token(), leaseExpiresAt));
        events.add(OutboxWriter.taskEvent(new TaskEvent(OutboxWriter.newEventId(),
            t.broadcast() ? "task.target_claimed" : "task.claimed", task.id(), task.missionId(), task.status().wire(),
            t.broadcast() ? task.status().wire() : TaskStatus.READY.wire(), t.number(), agentId, t.attemptId(), null,
            now)));
      }
      outbox.append(events);
      return claims;
    });
  }

  /** A broadcast task is running from its first target's claim on; answers the claimed broadcast tasks by id. */
  private Map<UUID, MeshTask> startBroadcasts(List<UUID> broadcastIds, Instant now) {
    if (broadcastIds.isEmpty()) {
      return Map.of();
    }
    db.jdbc()
        .sql("UPDATE task SET status = 'running', attempt = attempt + 1, updated_at = :now"
            + " WHERE id = ANY(:ids) AND status = 'ready'")
        .param("now", MeshDb.ts(now))
        .param("ids", MeshDb.uuidArray(broadcastIds))
        .update();
    return store.getAll(broadcastIds).stream().collect(Collectors.toMap(MeshTask::id, Function.identity()));
  }
}
