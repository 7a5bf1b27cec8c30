package dev.workmesh.core.claim;

import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.TaskEventSql;
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
 * Claims tasks for agents. Each claim is one SQL statement, and one round trip: it picks the best eligible
 * tasks (priority, then age) with {@code FOR UPDATE SKIP LOCKED}, moves them, creates their attempts with a
 * fencing token and a lease, starts a broadcast task at its first target's claim, and writes the claims'
 * events to the outbox ({@link TaskEventSql}). Concurrent claimers skip each other's rows instead of
 * waiting, and the unique partial indexes on live attempts make a double claim impossible even if the SQL
 * were wrong (invariants 1 and 7).
 */
public final class ClaimEngine {

  /**
   * Policies are WHERE predicates. {@code me} is the claiming agent with its room left under
   * max_concurrency; {@code %1$s} is an extra filter (a mission or named tasks) and {@code %4$s} the
   * status a first_claim or assigned task is claimable in ({@link #READY}, or {@link #READY_BY_ID} for named
   * tasks). A broadcast task's start is guarded by whether a broadcast target was claimed at all, a
   * condition PostgreSQL checks once: a connection keeps the plan it made at its first use, maybe while the
   * tables were nearly empty, and such a plan may read every ready task to find the few started.
   */
  private static final String CLAIM_SQL = """
      WITH me AS (
        SELECT a.id, a.pools, a.capabilities, a.runtimes,
               greatest(0, a.max_concurrency - (SELECT count(*) FROM attempt l WHERE l.agent_id = a.id AND l.outcome IS NULL)) AS room
        FROM agent a WHERE a.id = :agent AND a.status NOT IN ('revoked', 'disconnected')
      ),
      pooled AS (
        SELECT t.id, t.mission_id, t.priority, t.ready_at, false AS broadcast
        FROM task t, me
        WHERE %4$s AND t.claim_policy = 'first_claim'
          AND t.pool = ANY(me.pools) AND t.required_capabilities <@ me.capabilities
          AND (cardinality(me.runtimes) = 0 OR t.accepted_runtimes && me.runtimes) %1$s
        ORDER BY t.priority DESC, t.ready_at, t.id
        LIMIT least(:n, (SELECT room FROM me)) FOR UPDATE OF t SKIP LOCKED
      ),
      assigned AS (
        SELECT t.id, t.mission_id, t.priority, t.ready_at, false AS broadcast
        FROM task t, me
        WHERE %4$s AND t.claim_policy = 'assigned' AND t.assigned_agent = me.id %1$s
        ORDER BY t.priority DESC, t.ready_at, t.id
        LIMIT least(:n, (SELECT room FROM me)) FOR UPDATE OF t SKIP LOCKED
      ),
      targeted AS (
        SELECT t.id, t.mission_id, t.priority, t.ready_at, true AS broadcast
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
      ),
      started AS (
        UPDATE task SET status = 'running', attempt = attempt + 1, updated_at = :now
        WHERE EXISTS (SELECT 1 FROM chosen c WHERE c.broadcast)
          AND id IN (SELECT c.id FROM chosen c WHERE c.broadcast) AND status = 'ready'
      ),
      events AS (
        INSERT INTO outbox (topic, message_key, payload, created_at)
        SELECT :eventsTopic, took.id::text, %3$s, :now
        FROM took JOIN chosen c ON c.id = took.id
        ORDER BY c.priority DESC, c.ready_at, c.id
      )
      SELECT took.id AS took_id, took.number AS took_number, took.broadcast AS took_broadcast,
             took.attempt_id AS took_attempt_id, took.token AS took_token, tt.*
      FROM took JOIN chosen c ON c.id = took.id LEFT JOIN took_task tt ON tt.id = took.id
      ORDER BY c.priority DESC, c.ready_at, c.id
      """;

  private static final String READY = "t.status = 'ready'";

  /**
   * Named tasks are found by primary key, however many are ready. A connection keeps the plan it made at a
   * statement's first use ({@code plan_cache_mode=force_generic_plan}), in a mesh that has served a while
   * mostly while few tasks were ready; with {@link #READY}, such a plan scans a partial index of the ready
   * tasks it then believes nearly empty, and reads the whole backlog at every claim. PostgreSQL uses a
   * partial index only where the query implies the index's predicate, which a status given as a parameter
   * never does. (A plan made while the whole table was a page or two may read it whole: the ANALYZE that
   * autovacuum runs once it has grown makes every connection plan again.)
   */
  private static final String READY_BY_ID = "t.status = :readyStatus";

  /**
   * A mission whose budget is spent has its remaining tasks left unclaimed: one primary-key probe of a
   * flag that reports keep current (mission.budget_exhausted), never a sum over attempts.
   */
  private static final String WITHIN_BUDGET =
      "AND NOT EXISTS (SELECT 1 FROM mission bm WHERE bm.id = t.mission_id AND bm.budget_exhausted)";

  /** The claim statements, with the extra filter of each; built once, with the JSON of the claims' events. */
  private final String nextSql;
  private final String nextInMissionSql;
  private final String theseTasksSql;

  private final MeshDb db;
  private final TaskStore store;
  private final OutboxWriter outbox;
  private final Duration lease;

  public ClaimEngine(MeshDb db, TaskStore store, OutboxWriter outbox, Duration lease) {
    this.db = db;
    this.store = store;
    this.outbox = outbox;
    this.lease = lease;
    String event = TaskEventSql.json(db.json(), claimedEvent());
    this.nextSql = CLAIM_SQL.formatted(WITHIN_BUDGET, TaskStore.COLUMNS, event, READY);
    this.nextInMissionSql =
        CLAIM_SQL.formatted("AND t.mission_id = :mission " + WITHIN_BUDGET, TaskStore.COLUMNS, event, READY);
    this.theseTasksSql =
        CLAIM_SQL.formatted("AND t.id = ANY(:tasks) " + WITHIN_BUDGET, TaskStore.COLUMNS, event, READY_BY_ID);
  }

  /**
   * The event of a claim, from the claim statement's rows: {@code task.claimed}, or {@code
   * task.target_claimed} for a broadcast target, whose task is running from its first target's claim on.
   */
  private static Map<String, String> claimedEvent() {
    String running = "'" + TaskStatus.RUNNING.wire() + "'";
    String claimed = "'" + TaskStatus.CLAIMED.wire() + "'";
    String ready = "'" + TaskStatus.READY.wire() + "'";
    return Map.ofEntries(
        Map.entry("event_id", "gen_random_uuid()"),
        Map.entry("type", "CASE WHEN took.broadcast THEN 'task.target_claimed' ELSE 'task.claimed' END"),
        Map.entry("task_id", "took.id"),
        Map.entry("mission_id", "c.mission_id"),
        Map.entry("status", "CASE WHEN took.broadcast THEN " + running + " ELSE " + claimed + " END"),
        Map.entry("previous_status", "CASE WHEN took.broadcast THEN " + running + " ELSE " + ready + " END"),
        Map.entry("attempt", "took.number"),
        Map.entry("agent_id", "CAST(:agent AS uuid)"),
        Map.entry("attempt_id", "took.attempt_id"),
        Map.entry("reason", "CAST(NULL AS text)"),
        Map.entry("at", "CAST(:eventAt AS json)"));
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
    String sql = missionId == null ? nextSql : nextInMissionSql;
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
    return claim(theseTasksSql, agentId, distinct.size(),
        Map.of("tasks", MeshDb.uuidArray(distinct), "readyStatus", TaskStatus.READY.wire()));
  }

  /** One claimed task: its row as the claim left it, or null for a broadcast target's claim. */
  private record Took(UUID taskId, int number, boolean broadcast, UUID attemptId, String token, MeshTask task) {}

  /**
   * One statement, its own transaction: the claims, their attempts, a broadcast task's start, and the
   * claims' events in the outbox.
   */
  private List<Claim> claim(String sql, UUID agentId, int n, Map<String, Object> filter) {
    Instant now = db.now();
    Instant leaseExpiresAt = now.plus(lease);
    var statement = db.jdbc().sql(sql)
        .param("agent", agentId)
        .param("n", n)
        .param("now", MeshDb.ts(now))
        .param("lease", MeshDb.ts(leaseExpiresAt))
        .param("eventsTopic", MeshTopics.TASK_EVENTS)
        .param("eventAt", db.writeJson(now));
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
    outbox.appended();
    List<UUID> broadcastIds = took.stream().filter(Took::broadcast).map(Took::taskId).toList();
    Map<UUID, MeshTask> broadcastTasks = broadcastIds.isEmpty() ? Map.of()
        : store.getAll(broadcastIds).stream().collect(Collectors.toMap(MeshTask::id, Function.identity()));
    List<Claim> claims = new ArrayList<>(took.size());
    for (Took t : took) {
      claims.add(new Claim(t.broadcast() ? broadcastTasks.get(t.taskId()) : t.task(), t.attemptId(), t.number(),
          t.token(), leaseExpiresAt));
    }
    return claims;
  }
}
