package dev.workmesh.core.claim;

import dev.workmesh.core.Ids;
import dev.workmesh.core.MeshException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.agent.AgentStore;
import dev.workmesh.core.claim.LeaseRenewals.Renewal;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.core.outbox.TaskEventSql;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.TaskLifecycle;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskTransitions;
import dev.workmesh.core.task.StorableJson;
import dev.workmesh.core.usage.AttemptUsage;
import dev.workmesh.core.usage.MissionSpending;
import dev.workmesh.core.usage.MissionSpending.Spent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import tools.jackson.databind.JsonNode;

/**
 * Reports on a claim: heartbeat, complete, fail, release. Every one is fenced by the claim token: only
 * the live attempt that the token belongs to can be reported on, and a stale or unknown token is a
 * {@link StaleClaimException} that changes nothing (invariant 2).
 */
public final class AttemptReports {

  /** The answer to a heartbeat: the new lease, and whether the task's cancellation was requested. */
  public record HeartbeatAck(UUID attemptId, Instant leaseExpiresAt, boolean cancelRequested) {}

  /**
   * A successful attempt's report. {@code result} is any JSON; the log tail and the usage (null when the
   * agent reported none) are kept with the attempt.
   */
  public record Completion(JsonNode result, Integer exitCode, String logTail, AttemptUsage usage) {

    public Completion(JsonNode result, Integer exitCode, String logTail) {
      this(result, exitCode, logTail, null);
    }
  }

  /**
   * A failed attempt's report.
   *
   * @param outcome failed, timed_out or cancelled
   * @param retryable false when retrying cannot help (the task then fails at once)
   * @param usage what the agent consumed, or null when it reported nothing
   */
  public record Failure(AttemptOutcome outcome, String error, boolean retryable, Integer exitCode, String logTail,
      AttemptUsage usage) {

    public Failure(AttemptOutcome outcome, String error, boolean retryable, Integer exitCode, String logTail) {
      this(outcome, error, retryable, exitCode, logTail, null);
    }
  }

  /** One report of a batch: exactly one of {@code completion} and {@code failure}. */
  public record Report(UUID taskId, String claimToken, Completion completion, Failure failure) {

    public static Report completed(UUID taskId, String claimToken, Completion completion) {
      return new Report(taskId, claimToken, completion, null);
    }

    public static Report failed(UUID taskId, String claimToken, Failure failure) {
      return new Report(taskId, claimToken, null, failure);
    }
  }

  /**
   * What became of one report of a batch: accepted (with its task's claim policy, for metrics, and the
   * task's status once the whole batch was applied), or refused for the reason given.
   */
  public record Reported(UUID taskId, String claimPolicy, TaskStatus taskStatus, MeshException refusal) {

    static Reported accepted(UUID taskId, String claimPolicy) {
      return new Reported(taskId, claimPolicy, null, null);
    }

    static Reported refused(UUID taskId, MeshException refusal) {
      return new Reported(taskId, null, null, refusal);
    }

    public boolean accepted() {
      return refusal == null;
    }

    Reported withTaskStatus(TaskStatus status) {
      return new Reported(taskId, claimPolicy, status, refusal);
    }
  }

  /** The most reports one batch may carry. */
  public static final int MAX_BATCH = 100;

  public static final int MAX_LOG_TAIL = 65_536;
  public static final int MAX_ERROR = 10_000;

  private final MeshDb db;
  private final TaskLifecycle lifecycle;
  private final ClaimEngine engine;
  private final AgentStore agents;
  private final MissionSpending spending;
  /** The completion and heartbeat statements, with the JSON of their events; built once. */
  private final String completeTogetherSql;
  private final String renewTogetherSql;

  public AttemptReports(MeshDb db, TaskLifecycle lifecycle, ClaimEngine engine, AgentStore agents) {
    this.db = db;
    this.lifecycle = lifecycle;
    this.engine = engine;
    this.agents = agents;
    this.spending = new MissionSpending(db);
    this.completeTogetherSql = COMPLETE_TOGETHER_SQL.formatted(TO_SUCCEEDED_FROM, TaskEventSql.json(db.json(),
        movedEvent("m", TaskStatus.SUCCEEDED, "m.previous")), FENCED_LIVE,
        TaskLifecycle.pendingDependentsOf("ARRAY(SELECT id FROM moved)"));
    this.renewTogetherSql = RENEW_TOGETHER_SQL.formatted(TaskEventSql.json(db.json(),
        movedEvent("s", TaskStatus.RUNNING, "'" + TaskStatus.CLAIMED.wire() + "'")), FENCED_LIVE);
  }

  private record Live(UUID id, UUID agentId, boolean broadcast, boolean started) {}

  /**
   * Renews the lease of the live attempt and, on the first heartbeat, marks the task running. The heartbeat
   * is a sign of life of the attempt's agent, whoever sends it: the same statement renews the agent's
   * {@code last_heartbeat_at}, so an agent that keeps its claims alive is never found silent and never has
   * them rescued as gone. An agent that was no longer connected is connected again.
   *
   * @param agentId the reporting agent, or null for an operator
   */
  public HeartbeatAck heartbeat(UUID taskId, String claimToken, UUID agentId) {
    return heartbeat(taskId, claimToken, agentId, null);
  }

  /**
   * A heartbeat that also carries the running attempt's recent output: it replaces the attempt's log tail
   * (clipped to its last {@link #MAX_LOG_TAIL} characters), so the output can be read while the attempt
   * runs. A null {@code logTail} leaves the stored tail as it is. A first_claim or assigned attempt's
   * heartbeat is the statement of {@link #renewTogether}, one round trip.
   */
  public HeartbeatAck heartbeat(UUID taskId, String claimToken, UUID agentId, String logTail) {
    HeartbeatAck together = renewTogether(agentId, List.of(new Renewal(taskId, claimToken, logTail))).get(taskId);
    return together != null ? together : heartbeatAlone(taskId, claimToken, agentId, logTail);
  }

  /**
   * The heartbeat of one claim in a transaction of its own: a broadcast target's attempt (its target starts
   * with it), or a claim that {@link #renewTogether} did not renew, which it refuses with the reason.
   */
  HeartbeatAck heartbeatAlone(UUID taskId, String claimToken, UUID agentId, String logTail) {
    if (claimToken == null || claimToken.isBlank()) {
      throw new StaleClaimException(taskId, "no claim token was given");
    }
    return db.inTransaction(() -> {
      Instant now = db.now();
      Instant lease = now.plus(engine.lease());
      Renewed renewed = db.jdbc()
          .sql(HEARTBEAT_SQL)
          .param("task", taskId)
          .param("hash", Ids.sha256(claimToken))
          .param("agent", agentId)
          .param("lease", MeshDb.ts(lease))
          .param("now", MeshDb.ts(now))
          .param("due", MeshDb.ts(now.minus(AGENT_RENEWAL)))
          .param("tail", tail(logTail))
          .query((rs, i) -> new Renewed(new Live(MeshDb.uuid(rs, "id"), MeshDb.uuid(rs, "agent_id"),
              rs.getBoolean("broadcast"), rs.getBoolean("started")), rs.getString("agent_status"),
              rs.getBoolean("cancel")))
          .optional()
          .orElseGet(() -> {
            lockLive(taskId, claimToken, agentId); // says why there is no live attempt to renew
            throw new IllegalStateException("the live attempt of task " + taskId + " was not renewed");
          });
      Live live = renewed.live();
      if (agentId != null && !agentId.equals(live.agentId())) {
        throw new NotYourClaimException(taskId, agentId);
      }
      if (!"connected".equals(renewed.agentStatus())) {
        agents.signOfLife(live.agentId());
      }
      if (!live.started()) {
        lifecycle.started(taskId, live.agentId(), live.id(), live.broadcast());
      }
      return new HeartbeatAck(live.id(), lease, renewed.cancel());
    });
  }

  /**
   * Renews, in one statement that is its own transaction, the leases of the live first_claim and assigned
   * attempts these claims fence (held by {@code agentId}; any, for an operator's null): each attempt's lease
   * and log tail, its agent's sign of life (at most every {@link #AGENT_RENEWAL}), and, on an attempt's
   * first heartbeat, its task's move from claimed to running with the {@code task.running} event. Attempts
   * are locked in the order of their task ids, as a batch of completions locks them, so that two batches of
   * one worker never wait for each other in a circle. Answers only the claims it renewed; any other (a
   * broadcast target's, a stale or missing token, another agent's) is left to {@link #heartbeatAlone}.
   */
  Map<UUID, HeartbeatAck> renewTogether(UUID agentId, List<Renewal> claims) {
    List<Renewal> fenced = claims.stream().filter(c -> c.claimToken() != null && !c.claimToken().isBlank()).toList();
    if (fenced.isEmpty()) {
      return Map.of();
    }
    int n = fenced.size();
    UUID[] tasks = new UUID[n];
    byte[][] hashes = new byte[n][];
    String[] tails = new String[n];
    for (int i = 0; i < n; i++) {
      Renewal c = fenced.get(i);
      tasks[i] = c.taskId();
      hashes[i] = Ids.sha256(c.claimToken());
      tails[i] = tail(c.logTail());
    }
    Instant now = db.now();
    Instant lease = now.plus(engine.lease());
    Map<UUID, HeartbeatAck> renewed = new HashMap<>();
    List<UUID> reconnect = new ArrayList<>();
    boolean[] started = {false};
    fenced(renewTogetherSql, tasks, hashes)
        .param("tails", new SqlArrayValue("text", (Object[]) tails))
        .param("agent", agentId, java.sql.Types.OTHER)
        .param("lease", MeshDb.ts(lease))
        .param("now", MeshDb.ts(now))
        .param("due", MeshDb.ts(now.minus(AGENT_RENEWAL)))
        .param("eventsTopic", MeshTopics.TASK_EVENTS)
        .param("eventAt", db.writeJson(now))
        .query((rs, i) -> {
          UUID taskId = MeshDb.uuid(rs, "task_id");
          renewed.put(taskId, new HeartbeatAck(MeshDb.uuid(rs, "id"), lease, rs.getBoolean("cancel")));
          if (!"connected".equals(rs.getString("agent_status"))) {
            reconnect.add(MeshDb.uuid(rs, "agent_id"));
          }
          started[0] |= rs.getBoolean("started");
          return taskId;
        })
        .list();
    if (started[0]) {
      lifecycle.startedTogether();
    }
    reconnect.stream().distinct().forEach(agents::signOfLife);
    return renewed;
  }

  // A connected agent's sign of life is renewed by a claim's heartbeat at most this often, so that many
  // claims of one busy agent do not all queue on its row.
  private static final java.time.Duration AGENT_RENEWAL = java.time.Duration.ofSeconds(2);

  /** What a heartbeat's statement answers: the live attempt and its agent's status as they were; stop or not. */
  private record Renewed(Live live, String agentStatus, boolean cancel) {}

  /**
   * Finds and locks the live attempt this token fences and, when the reporting agent (null: an operator)
   * holds it, renews its lease and, in the same statement, its connected agent's sign of life. Answers the
   * attempt as it was, the agent's status as it was, so that an agent no longer connected can be connected
   * again, and whether the task was cancelled or has ended (the attempt should stop; starting a claimed task
   * never changes that); no row when there is no live attempt.
   */
  private static final String HEARTBEAT_SQL = """
      WITH live AS (
        SELECT id, agent_id, broadcast, started_at IS NOT NULL AS started FROM attempt
        WHERE task_id = :task AND claim_token_hash = :hash AND outcome IS NULL FOR UPDATE
      ),
      renewed AS (
        UPDATE attempt a SET lease_expires_at = :lease, started_at = COALESCE(a.started_at, :now),
          log_tail = COALESCE(CAST(:tail AS text), a.log_tail)
        FROM live l WHERE a.id = l.id AND (CAST(:agent AS uuid) IS NULL OR l.agent_id = CAST(:agent AS uuid))
        RETURNING a.agent_id
      ),
      touched AS (
        UPDATE agent g SET last_heartbeat_at = :now
        FROM renewed r WHERE g.id = r.agent_id AND g.status = 'connected' AND g.last_heartbeat_at < :due
      )
      SELECT l.id, l.agent_id, l.broadcast, l.started, g.status AS agent_status,
             (SELECT t.cancel_requested OR t.status IN ('cancelled', 'failed', 'succeeded') FROM task t
              WHERE t.id = :task) AS cancel
      FROM live l JOIN agent g ON g.id = l.agent_id
      """;

  /**
   * Which attempts (as {@code a}) the claims of a batch fence: the live first_claim and assigned attempts of
   * the claims' tasks ({@code :tasks}) held by {@code :agent} (any, for an operator's null), locked in the
   * order of their task ids. A batch of completions and a batch of heartbeats of one worker therefore never
   * wait for each other in a circle. The tasks' ids are an index condition of their own: a connection keeps
   * the plan it made at its first use ({@code plan_cache_mode=force_generic_plan}), maybe while the tables
   * were nearly empty, and without it such a plan reads every live attempt per call.
   */
  private static final String FENCED_LIVE = """
      WHERE a.task_id = ANY(CAST(:tasks AS uuid[])) AND a.outcome IS NULL AND NOT a.broadcast
        AND (CAST(:agent AS uuid) IS NULL OR a.agent_id = :agent)
      ORDER BY a.task_id
      FOR UPDATE OF a""";

  /**
   * {@code %1$s}: the JSON of a {@code task.running} event; {@code %2$s}: {@link #FENCED_LIVE}. The task's
   * status and its cancellation are read as they were before the statement (a start never changes whether
   * the attempt should stop).
   */
  private static final String RENEW_TOGETHER_SQL = """
      WITH beat AS (
        SELECT * FROM unnest(CAST(:tasks AS uuid[]), CAST(:hashes AS bytea[]), CAST(:tails AS text[]))
          WITH ORDINALITY AS b(task_id, hash, tail, position)
      ),
      live AS (
        SELECT a.id, a.task_id, a.agent_id, a.started_at IS NOT NULL AS started, b.tail, b.position
        FROM attempt a JOIN beat b ON a.task_id = b.task_id AND a.claim_token_hash = b.hash
        %2$s
      ),
      renewed AS (
        UPDATE attempt a SET lease_expires_at = :lease, started_at = COALESCE(a.started_at, :now),
          log_tail = COALESCE(l.tail, a.log_tail)
        FROM live l WHERE a.id = l.id
      ),
      touched AS (
        UPDATE agent g SET last_heartbeat_at = :now
        WHERE g.id IN (SELECT agent_id FROM live) AND g.status = 'connected' AND g.last_heartbeat_at < :due
      ),
      started AS (
        UPDATE task t SET status = 'running', updated_at = :now
        FROM live l WHERE t.id = l.task_id AND NOT l.started AND t.status = 'claimed'
        RETURNING t.id, t.mission_id, t.attempt, l.agent_id, l.id AS attempt_id, l.position
      ),
      events AS (
        INSERT INTO outbox (topic, message_key, payload, created_at)
        SELECT :eventsTopic, s.id::text, %1$s, :now FROM started s ORDER BY s.position
      )
      SELECT l.task_id, l.id, l.agent_id, g.status AS agent_status,
             t.cancel_requested OR t.status IN ('cancelled', 'failed', 'succeeded') AS cancel,
             EXISTS (SELECT 1 FROM started s WHERE s.id = l.task_id) AS started
      FROM live l JOIN agent g ON g.id = l.agent_id JOIN task t ON t.id = l.task_id
      """;

  /**
   * Ends the attempt succeeded; the task succeeds (broadcast: when every target has). A first_claim or
   * assigned attempt is ended, its task moved and its event written by the same one statement as a batch
   * of completions ({@link #completeTogether}); without usage to add to its mission, that statement is the
   * whole report, one round trip. A broadcast target's attempt, or a token that fences no live attempt of
   * this agent, goes the one-by-one way, which says why it was refused. Returns the task's claim policy.
   */
  public ClaimPolicy complete(UUID taskId, String claimToken, UUID agentId, Completion report) {
    checkResult("result", report.result());
    checkUsage("usage", report.usage());
    boolean fenced = claimToken != null && !claimToken.isBlank();
    List<Report> alone = fenced ? List.of(Report.completed(taskId, claimToken, report)) : List.of();
    if (report.usage() == null) {
      Reported together = completeTogether(agentId, alone).get(taskId);
      if (together != null) {
        return ClaimPolicy.fromWire(together.claimPolicy());
      }
    }
    return endAndSpend(taskId, report.usage(), () -> {
      Reported together = report.usage() != null ? completeTogether(agentId, alone).get(taskId) : null;
      return together != null ? ClaimPolicy.fromWire(together.claimPolicy())
          : completeIn(taskId, claimToken, agentId, report); // a broadcast target's attempt, or why it is refused
    });
  }

  /** Ends the attempt succeeded, one by one; returns the task's claim policy. In a transaction. */
  ClaimPolicy completeIn(UUID taskId, String claimToken, UUID agentId, Completion report) {
    Live live = lockLive(taskId, claimToken, agentId);
    finishAttempt(live.id(), AttemptOutcome.SUCCEEDED, report.result(), null, report.exitCode(), report.logTail(),
        report.usage());
    if (live.broadcast()) {
      lifecycle.broadcast().afterTargetAttempt(taskId, live.agentId(), AttemptOutcome.SUCCEEDED, report.result(), null, false);
      return ClaimPolicy.BROADCAST;
    }
    return lifecycle.succeedAttempt(taskId, report.result(), live.agentId(), live.id());
  }

  /**
   * Ends the attempt failed, timed out or cancelled; the task is retried, cancelled or failed. Returns the
   * task's claim policy.
   */
  public ClaimPolicy fail(UUID taskId, String claimToken, UUID agentId, Failure report) {
    checkOutcome("outcome", report);
    checkUsage("usage", report.usage());
    return endAndSpend(taskId, report.usage(), () -> failIn(taskId, claimToken, agentId, report));
  }

  /** Ends an attempt and adds what it reported spending to its mission, in one transaction. */
  private ClaimPolicy endAndSpend(UUID taskId, AttemptUsage usage, Supplier<ClaimPolicy> end) {
    return db.inTransaction(() -> {
      ClaimPolicy policy = end.get();
      spending.spend(List.of(new Spent(taskId, usage)));
      return policy;
    });
  }

  /** Ends the attempt without success, one by one; returns the task's claim policy. In a transaction. */
  ClaimPolicy failIn(UUID taskId, String claimToken, UUID agentId, Failure report) {
    Live live = lockLive(taskId, claimToken, agentId);
    finishAttempt(live.id(), report.outcome(), null, report.error(), report.exitCode(), report.logTail(),
        report.usage());
    if (live.broadcast()) {
      lifecycle.broadcast().afterTargetAttempt(taskId, live.agentId(), report.outcome(), null, report.error(), report.retryable());
      return ClaimPolicy.BROADCAST;
    }
    return lifecycle.afterBadAttempt(taskId, report.outcome(), report.error(), report.retryable(), live.agentId(),
        live.id());
  }

  static void checkUsage(String field, AttemptUsage usage) {
    if (usage == null) {
      return;
    }
    List<ValidationException.Violation> violations = new ArrayList<>();
    usage.check(field, violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  static void checkResult(String field, JsonNode result) {
    List<ValidationException.Violation> violations = new ArrayList<>();
    StorableJson.check(result, field, violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  static void checkOutcome(String field, Failure report) {
    if (report.outcome() == AttemptOutcome.SUCCEEDED || report.outcome() == AttemptOutcome.LOST) {
      throw ValidationException.of(field, "must be failed, timed_out or cancelled");
    }
  }

  public static final int MAX_RELEASE_REASON = 2_000;

  /**
   * Gives the claim back without it counting as an attempt: the attempt ends {@code released} with the
   * agent's reason as its error, the task's attempt count goes back down by one (the next claim's attempt
   * has the same number), and the task is claimable again at once.
   *
   * @param reason why the agent gave it back, or null
   */
  public void release(UUID taskId, String claimToken, UUID agentId, String reason) {
    String why = reason == null || reason.isBlank() ? "released by its agent" : "released: " + reason.strip();
    db.inTransaction(() -> {
      Live live = lockLive(taskId, claimToken, agentId);
      finishAttempt(live.id(), AttemptOutcome.RELEASED, null, clip(why, MAX_RELEASE_REASON), null, null, null);
      if (live.broadcast()) {
        lifecycle.broadcast().releaseTarget(taskId, live.agentId());
      } else {
        lifecycle.released(taskId, why);
      }
    });
  }

  /**
   * Ends a live attempt as lost (lapsed lease, revoked or disconnected agent) and retries or fails its
   * task. With {@code requeueNow} (a revoked agent) the task is claimable again at once and the attempt
   * is not counted against it. Returns false when the attempt was no longer live. In a transaction.
   */
  public boolean endLost(UUID attemptId, String reason, boolean requeueNow) {
    Optional<Live> live =
        db.jdbc()
            .sql("SELECT id, task_id, agent_id, broadcast, started_at IS NOT NULL AS started FROM attempt"
                + " WHERE id = :id AND outcome IS NULL FOR UPDATE")
            .param("id", attemptId)
            .query((rs, i) -> new Live(MeshDb.uuid(rs, "id"), MeshDb.uuid(rs, "agent_id"), rs.getBoolean("broadcast"),
                rs.getBoolean("started")))
            .optional();
    if (live.isEmpty()) {
      return false;
    }
    UUID taskId =
        db.jdbc().sql("SELECT task_id FROM attempt WHERE id = :id").param("id", attemptId).query(UUID.class).single();
    finishAttempt(attemptId, AttemptOutcome.LOST, null, reason, null, null, null);
    lifecycle.attemptLost(taskId, live.get().agentId(), attemptId, reason);
    if (requeueNow) {
      if (live.get().broadcast()) {
        lifecycle.broadcast().releaseTarget(taskId, live.get().agentId());
      } else {
        lifecycle.released(taskId, reason);
      }
    } else if (live.get().broadcast()) {
      lifecycle.broadcast().afterTargetAttempt(taskId, live.get().agentId(), AttemptOutcome.LOST, null, reason, true);
    } else {
      lifecycle.afterBadAttempt(taskId, AttemptOutcome.LOST, reason, true, live.get().agentId(), attemptId);
    }
    return true;
  }

  /**
   * One statement for the live, non-broadcast attempts among these completions (one alone, or a batch):
   * ends the attempts succeeded, moves their tasks to succeeded (unless a task already ended, as {@link
   * TaskLifecycle#succeedAttempt} leaves it), writes their events to the outbox and finds their pending
   * dependents, which {@link TaskLifecycle#succeededTogether} then makes ready. Returns the tasks it
   * handled; the others (stale, someone else's, broadcast) are left for the one-by-one path, which says
   * why. In the caller's transaction, or its own.
   */
  Map<UUID, Reported> completeTogether(UUID agentId, List<Report> completions) {
    Map<UUID, Reported> handled = new HashMap<>();
    if (completions.isEmpty()) {
      return handled;
    }
    int n = completions.size();
    UUID[] tasks = new UUID[n];
    byte[][] hashes = new byte[n][];
    String[] results = new String[n];
    Integer[] exits = new Integer[n];
    String[] tails = new String[n];
    String[] models = new String[n];
    Long[] inputs = new Long[n];
    Long[] outputs = new Long[n];
    BigDecimal[] costs = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      Report r = completions.get(i);
      tasks[i] = r.taskId();
      hashes[i] = Ids.sha256(r.claimToken());
      results[i] = db.writeJson(r.completion().result());
      exits[i] = r.completion().exitCode();
      tails[i] = tail(r.completion().logTail());
      AttemptUsage usage = r.completion().usage();
      if (usage != null) {
        models[i] = usage.model();
        inputs[i] = usage.inputTokens();
        outputs[i] = usage.outputTokens();
        costs[i] = usage.costUsd();
      }
    }
    Instant now = db.now();
    List<UUID> dependents = new ArrayList<>();
    boolean[] moved = {false};
    fenced(completeTogetherSql, tasks, hashes)
        .param("results", new SqlArrayValue("text", (Object[]) results))
        .param("exits", new SqlArrayValue("int4", (Object[]) exits))
        .param("tails", new SqlArrayValue("text", (Object[]) tails))
        .param("models", new SqlArrayValue("text", (Object[]) models))
        .param("inputs", new SqlArrayValue("int8", (Object[]) inputs))
        .param("outputs", new SqlArrayValue("int8", (Object[]) outputs))
        .param("costs", new SqlArrayValue("numeric", (Object[]) costs))
        .param("agent", agentId, java.sql.Types.OTHER)
        .param("now", MeshDb.ts(now))
        .param("eventsTopic", MeshTopics.TASK_EVENTS)
        .param("eventAt", db.writeJson(now))
        .param("pendingStatus", TaskLifecycle.PENDING_STATUS)
        .query((rs, i) -> {
          UUID taskId = MeshDb.uuid(rs, "task_id");
          // Its status now: succeeded, or as it was when it had already ended.
          boolean itMoved = rs.getBoolean("moved");
          TaskStatus status = itMoved ? TaskStatus.SUCCEEDED : TaskStatus.fromWire(rs.getString("previous"));
          handled.put(taskId, Reported.accepted(taskId, rs.getString("claim_policy")).withTaskStatus(status));
          moved[0] |= itMoved;
          if (i == 0) {
            dependents.addAll(MeshDb.uuidList(rs, "dependents"));
          }
          return taskId;
        })
        .list();
    if (moved[0]) {
      lifecycle.succeededTogether(dependents);
    }
    return handled;
  }

  /** A statement over claims fenced by their tokens: the tasks' ids and the tokens' hashes, as arrays. */
  private JdbcClient.StatementSpec fenced(String sql, UUID[] tasks, byte[][] hashes) {
    return db.jdbc().sql(sql)
        .param("tasks", new SqlArrayValue("uuid", (Object[]) tasks))
        .param("hashes", new SqlArrayValue("bytea", (Object[]) hashes));
  }

  /** The task states from which succeeded may be reached, as a SQL list. */
  private static final String TO_SUCCEEDED_FROM = TaskTransitions.from(TaskStatus.SUCCEEDED).stream()
      .map(st -> "'" + st.wire() + "'").collect(Collectors.joining(", "));

  /**
   * {@code %1$s}: the states succeeded is reached from; {@code %2$s}: the JSON of a {@code task.succeeded}
   * event. The look for dependents reads the tasks as they were before the statement, so it finds the
   * pending tasks that depend on one moved here; which of them are ready is decided after it. {@code %3$s}:
   * {@link #FENCED_LIVE}; {@code %4$s}: {@link TaskLifecycle#pendingDependentsOf} the moved tasks.
   */
  private static final String COMPLETE_TOGETHER_SQL = """
      WITH report AS (
        SELECT * FROM unnest(CAST(:tasks AS uuid[]), CAST(:hashes AS bytea[]), CAST(:results AS text[]),
                             CAST(:exits AS int[]), CAST(:tails AS text[]), CAST(:models AS text[]),
                             CAST(:inputs AS bigint[]), CAST(:outputs AS bigint[]), CAST(:costs AS numeric[]))
          WITH ORDINALITY AS r(task_id, hash, result, exit_code, log_tail, usage_model, input_tokens, output_tokens,
                               cost_usd, position)
      ),
      live AS (
        SELECT a.id, a.task_id, a.agent_id, r.result, r.exit_code, r.log_tail, r.usage_model, r.input_tokens,
               r.output_tokens, r.cost_usd, r.position
        FROM attempt a JOIN report r ON a.task_id = r.task_id AND a.claim_token_hash = r.hash
        %3$s
      ),
      before AS (
        SELECT t.id, t.mission_id, t.status, t.attempt, t.claim_policy
        FROM task t JOIN live l ON t.id = l.task_id FOR UPDATE OF t
      ),
      ended AS (
        UPDATE attempt a SET outcome = 'succeeded', finished_at = :now, result = CAST(l.result AS jsonb),
               error = NULL, exit_code = l.exit_code, log_tail = l.log_tail, usage_model = l.usage_model,
               input_tokens = l.input_tokens, output_tokens = l.output_tokens, cost_usd = l.cost_usd
        FROM live l WHERE a.id = l.id
        RETURNING a.id, a.task_id, a.agent_id
      ),
      moved AS (
        UPDATE task t SET status = 'succeeded', updated_at = :now, result = COALESCE(CAST(l.result AS jsonb), 'null'),
               error = NULL, finished_at = :now, cancel_requested = false
        FROM live l, before b WHERE t.id = l.task_id AND b.id = t.id AND b.status IN (%1$s)
        RETURNING t.id, b.mission_id, b.status AS previous, b.attempt, l.id AS attempt_id, l.agent_id, l.position
      ),
      events AS (
        INSERT INTO outbox (topic, message_key, payload, created_at)
        SELECT :eventsTopic, m.id::text, %2$s, :now FROM moved m ORDER BY m.position
      ),
      dependents AS (
        SELECT t.id FROM task t WHERE %4$s
      )
      SELECT e.task_id, b.status AS previous, b.claim_policy, m.id IS NOT NULL AS moved,
             ARRAY(SELECT id FROM dependents ORDER BY id) AS dependents
      FROM ended e JOIN before b ON b.id = e.task_id LEFT JOIN moved m ON m.id = e.task_id
      """;

  /**
   * The event of a task that one of these statements moved to {@code status}, from its rows named {@code row}
   * (the task's id, mission, attempt number, agent and attempt id).
   */
  private static Map<String, String> movedEvent(String row, TaskStatus status, String previousStatus) {
    return Map.ofEntries(
        Map.entry("event_id", "gen_random_uuid()"),
        Map.entry("type", "'task." + status.wire() + "'"),
        Map.entry("task_id", row + ".id"),
        Map.entry("mission_id", row + ".mission_id"),
        Map.entry("status", "'" + status.wire() + "'"),
        Map.entry("previous_status", previousStatus),
        Map.entry("attempt", row + ".attempt"),
        Map.entry("agent_id", row + ".agent_id"),
        Map.entry("attempt_id", row + ".attempt_id"),
        Map.entry("reason", "CAST(NULL AS text)"),
        Map.entry("at", "CAST(:eventAt AS json)"));
  }

  private void finishAttempt(UUID attemptId, AttemptOutcome outcome, JsonNode result, String error, Integer exitCode,
      String logTail, AttemptUsage usage) {
    db.jdbc()
        .sql("UPDATE attempt SET outcome = :outcome, finished_at = :now, result = CAST(:result AS jsonb),"
            + " error = :error, exit_code = :exit, log_tail = :tail, usage_model = :model,"
            + " input_tokens = :input, output_tokens = :output, cost_usd = :cost WHERE id = :id")
        .param("model", usage == null ? null : usage.model())
        .param("input", usage == null ? null : usage.inputTokens(), java.sql.Types.BIGINT)
        .param("output", usage == null ? null : usage.outputTokens(), java.sql.Types.BIGINT)
        .param("cost", usage == null ? null : usage.costUsd(), java.sql.Types.NUMERIC)
        .param("outcome", outcome.wire())
        .param("now", MeshDb.ts(db.now()))
        .param("result", result == null ? null : db.writeJson(result))
        .param("error", clip(error, MAX_ERROR))
        .param("exit", exitCode)
        .param("tail", tail(logTail))
        .param("id", attemptId)
        .update();
  }

  /** The live attempt this token fences, locked; or the reason there is none. */
  private Live lockLive(UUID taskId, String claimToken, UUID agentId) {
    if (claimToken == null || claimToken.isBlank()) {
      throw new StaleClaimException(taskId, "no claim token was given");
    }
    byte[] hash = Ids.sha256(claimToken);
    Optional<Live> live =
        db.jdbc()
            .sql("SELECT id, agent_id, broadcast, started_at IS NOT NULL AS started FROM attempt"
                + " WHERE task_id = :task AND claim_token_hash = :hash AND outcome IS NULL FOR UPDATE")
            .param("task", taskId)
            .param("hash", hash)
            .query((rs, i) -> new Live(MeshDb.uuid(rs, "id"), MeshDb.uuid(rs, "agent_id"), rs.getBoolean("broadcast"),
                rs.getBoolean("started")))
            .optional();
    if (live.isPresent()) {
      if (agentId != null && !agentId.equals(live.get().agentId())) {
        throw new NotYourClaimException(taskId, agentId);
      }
      return live.get();
    }
    Optional<String> ended =
        db.jdbc()
            .sql("SELECT outcome FROM attempt WHERE task_id = :task AND claim_token_hash = :hash")
            .param("task", taskId)
            .param("hash", hash)
            .query(String.class)
            .optional();
    throw new StaleClaimException(taskId, ended
        .map(outcome -> "that attempt already ended " + outcome)
        .orElse("no attempt of this task was issued this token"));
  }

  static String tail(String log) {
    if (log == null || log.length() <= MAX_LOG_TAIL) {
      return log == null ? null : log.replace("\0", "");
    }
    return log.substring(log.length() - MAX_LOG_TAIL).replace("\0", "");
  }

  private static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replace("\0", "");
    return clean.length() <= max ? clean : clean.substring(0, max);
  }
}
