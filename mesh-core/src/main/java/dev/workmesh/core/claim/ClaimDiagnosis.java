package dev.workmesh.core.claim;

import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.agent.AgentStore;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.task.AgentCounts;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.TaskStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Says why work and agents do not meet, with cheap counts and never a scan: why a claim came back empty
 * when the reason is the claimer ({@link #whyNothingFor}), and which requirement of a ready task no
 * connected agent meets ({@link #whyWaiting}). The matching rules are those of {@link ClaimEngine}'s SQL:
 * pool, capabilities ({@code required_capabilities <@ capabilities}) and runtime ({@code
 * accepted_runtimes && runtimes}, or an agent that lists no runtimes).
 */
public final class ClaimDiagnosis {

  /** At most this many ready tasks of the claimer's pools are looked at to explain an empty claim. */
  static final int SAMPLE = 1_000;

  /**
   * Why a claim found nothing for this agent.
   *
   * @param code {@code revoked}, {@code disconnected}, {@code at_capacity}, {@code no_ready_work} (no
   *     ready task in its pools), or {@code ineligible} (ready tasks in its pools need capabilities or a
   *     runtime it lacks)
   * @param readyInPools ready first_claim tasks in its pools (counted up to {@value #SAMPLE})
   * @param needCapabilities of those, how many need a capability it lacks
   * @param needRuntime of those, how many need a runtime it does not offer
   * @param missingCapabilities the capabilities they need that it lacks
   * @param missingRuntimes the runtimes that could run them, none of which it offers
   */
  public record EmptyClaim(String code, String message, List<String> pools, int readyInPools,
      int needCapabilities, int needRuntime, List<String> missingCapabilities, List<String> missingRuntimes) {}

  /**
   * Why a ready task waits: its mission's budget is spent ({@code budget}), or no connected agent meets
   * {@code requirement}: {@code agent} (no connected agent at all, or its assigned agent is not connected),
   * {@code pool}, {@code capabilities} or {@code runtime}.
   */
  public record Waiting(String requirement, String message) {}

  private static final String EMPTY_CLAIM_SQL = """
      WITH me AS (SELECT pools, capabilities, runtimes FROM agent WHERE id = :agent),
      sample AS (
        SELECT t.required_capabilities, t.accepted_runtimes
        FROM task t, me
        WHERE t.status = 'ready' AND t.claim_policy = 'first_claim' AND t.pool = ANY(me.pools)
        LIMIT :sample
      )
      SELECT count(s.required_capabilities) AS ready,
             count(*) FILTER (WHERE NOT s.required_capabilities <@ me.capabilities) AS need_capabilities,
             count(*) FILTER (WHERE cardinality(me.runtimes) > 0 AND NOT s.accepted_runtimes && me.runtimes)
               AS need_runtime,
             count(*) FILTER (WHERE s.required_capabilities <@ me.capabilities
               AND (cardinality(me.runtimes) = 0 OR s.accepted_runtimes && me.runtimes)) AS eligible,
             ARRAY(SELECT DISTINCT c FROM sample x, unnest(x.required_capabilities) c, me m
                   WHERE NOT c = ANY(m.capabilities) ORDER BY c LIMIT 20) AS missing_capabilities,
             ARRAY(SELECT DISTINCT r FROM sample x, unnest(x.accepted_runtimes) r, me m
                   WHERE cardinality(m.runtimes) > 0 AND NOT x.accepted_runtimes && m.runtimes
                   ORDER BY r LIMIT 20) AS missing_runtimes,
             (SELECT count(*) FROM attempt l WHERE l.agent_id = :agent AND l.outcome IS NULL) AS live
      FROM me LEFT JOIN sample s ON true
      GROUP BY me.capabilities, me.runtimes
      """;

  /** What {@link #whyWaiting} weighs for a first_claim task, in one round trip. */
  private static final String WAITING_SQL = "SELECT agents.* FROM task t" + AgentCounts.JOIN + " WHERE t.id = :task";

  /**
   * The pools with first_claim tasks still ready although their last dispatch record is older than the
   * cutoff, and the newest such record's time per pool: the newest {@value #SAMPLE} of them are read, from the
   * {@code task_ready_dispatched} index, so a large backlog costs no more than that. A spent mission's tasks
   * are left out, as the re-dispatch leaves them out: nobody can claim them.
   */
  private static final String STRANDED_SQL = """
      SELECT s.pool, max(s.dispatched_at) AS newest
      FROM (SELECT t.pool, t.dispatched_at FROM task t
            WHERE t.status = 'ready' AND t.dispatched_at < :cutoff AND t.claim_policy = 'first_claim'
              AND NOT EXISTS (SELECT 1 FROM mission m WHERE m.id = t.mission_id AND m.budget_exhausted)
            ORDER BY t.dispatched_at DESC LIMIT :sample) s
      GROUP BY s.pool
      """;

  private final MeshDb db;
  private final AgentStore agents;

  public ClaimDiagnosis(MeshDb db, AgentStore agents) {
    this.db = db;
    this.agents = agents;
  }

  /**
   * Why a claim of this agent just found nothing, when the reason is the agent; empty when it could have
   * claimed (another claimer was faster, or only work it may not see exists). One small query, to be run
   * only after an empty claim.
   */
  public Optional<EmptyClaim> whyNothingFor(UUID agentId) {
    Agent agent = agents.get(agentId);
    if (agent.status() == AgentStatus.REVOKED) {
      return Optional.of(new EmptyClaim("revoked", "agent " + agentId + " is revoked: it claims nothing; enrol it"
          + " again", agent.pools(), 0, 0, 0, List.of(), List.of()));
    }
    if (agent.status() == AgentStatus.DISCONNECTED) {
      return Optional.of(new EmptyClaim("disconnected", "agent " + agentId + " is disconnected: any call it makes"
          + " with its own token connects it again", agent.pools(), 0, 0, 0, List.of(), List.of()));
    }
    return db.jdbc()
        .sql(EMPTY_CLAIM_SQL)
        .param("agent", agentId)
        .param("sample", SAMPLE)
        .query((rs, i) -> explain(agent, rs.getInt("ready"), rs.getInt("need_capabilities"),
            rs.getInt("need_runtime"), rs.getInt("eligible"), MeshDb.textList(rs, "missing_capabilities"),
            MeshDb.textList(rs, "missing_runtimes"), rs.getInt("live")))
        .single();
  }

  private static Optional<EmptyClaim> explain(Agent agent, int ready, int needCapabilities, int needRuntime,
      int eligible, List<String> missingCapabilities, List<String> missingRuntimes, int live) {
    if (live >= agent.maxConcurrency()) {
      return Optional.of(new EmptyClaim("at_capacity", "agent " + agent.id() + " already holds " + live
          + " live claims, its max_concurrency: finish or release one first", agent.pools(), ready,
          needCapabilities, needRuntime, missingCapabilities, missingRuntimes));
    }
    if (ready == 0) {
      return Optional.of(new EmptyClaim("no_ready_work", "no task is ready in this agent's pools "
          + agent.pools() + " (tasks assigned to it or broadcast to it count too, and there are none)",
          agent.pools(), 0, 0, 0, List.of(), List.of()));
    }
    if (eligible > 0) {
      return Optional.empty();
    }
    StringBuilder m = new StringBuilder().append(ready).append(ready >= SAMPLE ? "+" : "")
        .append(" ready task(s) in pools ").append(agent.pools()).append(" need what this agent lacks:");
    if (needCapabilities > 0) {
      m.append(' ').append(needCapabilities).append(" need capabilities ").append(missingCapabilities)
          .append(" (it holds ").append(agent.capabilities()).append(')');
    }
    if (needRuntime > 0) {
      m.append(needCapabilities > 0 ? ";" : "").append(' ').append(needRuntime).append(" need one of the runtimes ")
          .append(missingRuntimes).append(" (it offers ").append(agent.runtimes()).append(')');
    }
    return Optional.of(new EmptyClaim("ineligible", m.toString(), agent.pools(), ready, needCapabilities,
        needRuntime, missingCapabilities, missingRuntimes));
  }

  /**
   * The pools where a first_claim task is still ready although its last dispatch record was written before
   * {@code cutoff}: its record did not bring it to a worker with room (in a share group with no more members
   * than partitions, a record waits for the one member that has its partition), and mapped to the time of the
   * newest such record, which moves when another task is left so. One index range scan, never a table scan.
   */
  public Map<String, Instant> strandedPools(Instant cutoff) {
    Map<String, Instant> pools = new HashMap<>();
    db.jdbc()
        .sql(STRANDED_SQL)
        .param("cutoff", MeshDb.ts(cutoff))
        .param("sample", SAMPLE)
        .query((rs, i) -> pools.put(rs.getString("pool"), MeshDb.instant(rs, "newest")))
        .list();
    return pools;
  }

  /**
   * Which requirement of this task no connected agent meets, if it is ready (or pending) and none can
   * claim it now; empty when some connected agent could, or the task is past waiting. Counts over the
   * agents, never the tasks.
   */
  public Optional<Waiting> whyWaiting(MeshTask task) {
    if (task.status() != TaskStatus.READY && task.status() != TaskStatus.PENDING) {
      return Optional.empty();
    }
    if (task.claimPolicy() == ClaimPolicy.FIRST_CLAIM) {
      return db.jdbc().sql(WAITING_SQL).param("task", task.id()).query((rs, i) -> AgentCounts.map(rs)).optional()
          .flatMap(counts -> whyWaiting(task, counts));
    }
    if (missionBudgetSpent(task.missionId())) {
      return budgetSpent(task);
    }
    if (task.claimPolicy() == ClaimPolicy.BROADCAST) {
      return Optional.empty(); // its targets are fixed when it becomes ready; each target's state says more
    }
    Optional<Agent> assigned = agents.find(task.assignedAgent());
    if (assigned.isEmpty() || assigned.get().status() == AgentStatus.REVOKED
        || assigned.get().status() == AgentStatus.DISCONNECTED) {
      return Optional.of(new Waiting("agent", "its assigned agent " + task.assignedAgent() + " is "
          + assigned.map(a -> a.status().wire()).orElse("unknown") + "; only that agent may claim it"));
    }
    return Optional.empty();
  }

  private static Optional<Waiting> budgetSpent(MeshTask task) {
    return Optional.of(new Waiting("budget", "its mission's budget is spent: no task of mission "
        + task.missionId() + " is claimed until an operator raises the budget"));
  }

  private boolean missionBudgetSpent(UUID missionId) {
    return db.jdbc().sql("SELECT budget_exhausted FROM mission WHERE id = :id").param("id", missionId)
        .query(Boolean.class).optional().orElse(false);
  }

  /**
   * Which requirement of this first_claim task no connected agent meets, from the agents counted against it
   * by the statement that read or wrote it ({@link AgentCounts#JOIN}); empty when some connected agent could
   * claim it, or the task is past waiting.
   */
  public static Optional<Waiting> whyWaiting(MeshTask task, AgentCounts agents) {
    if (task.status() != TaskStatus.READY && task.status() != TaskStatus.PENDING) {
      return Optional.empty();
    }
    if (agents.budgetSpent()) {
      return budgetSpent(task);
    }
    if (agents.eligible() > 0) {
      return Optional.empty();
    }
    if (agents.connected() == 0) {
      return Optional.of(new Waiting("agent", "no agent is connected"));
    }
    if (agents.inPool() == 0) {
      return Optional.of(new Waiting("pool", "no connected agent is in pool '" + task.pool() + "'"));
    }
    if (agents.withCapabilities() == 0) {
      return Optional.of(new Waiting("capabilities", "no connected agent in pool '" + task.pool()
          + "' holds all of the capabilities " + task.requiredCapabilities()));
    }
    List<String> runtimes = agents.acceptedRuntimes();
    String which = task.runtime() != null ? "runtime '" + task.runtime() + "'"
        : runtimes.size() == 1 ? "runtime '" + runtimes.getFirst() + "'" : "any of the runtimes " + runtimes;
    return Optional.of(new Waiting("runtime", "no connected agent in pool '" + task.pool() + "'"
        + (task.requiredCapabilities().isEmpty() ? "" : " with the capabilities " + task.requiredCapabilities())
        + " offers " + which));
  }
}
