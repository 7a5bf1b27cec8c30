package dev.workmesh.core.task;

import dev.workmesh.core.db.MeshDb;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The connected agents counted against one first_claim task's requirements, with its mission's budget flag:
 * all that {@code ClaimDiagnosis.whyWaiting} weighs to say why nobody can claim it. The counts come from a
 * lateral join ({@link #JOIN}) that any statement reading or writing the task adds, so that a submission
 * and its diagnosis are one round trip. Counts over the agents, never the tasks; the matching rules are the
 * claim's: pool, capabilities ({@code required_capabilities <@ capabilities}) and runtime ({@code
 * accepted_runtimes && runtimes}, or an agent that lists no runtimes).
 *
 * @param acceptedRuntimes the runtimes any one of which can run the task
 * @param connected connected (or unhealthy) agents
 * @param inPool of those, the ones in the task's pool
 * @param withCapabilities of those, the ones holding every capability the task needs
 * @param eligible of those, the ones that also offer one of its runtimes: the agents that could claim it
 */
public record AgentCounts(boolean budgetSpent, List<String> acceptedRuntimes, int connected, int inPool,
    int withCapabilities, int eligible) {

  /**
   * {@code LEFT JOIN LATERAL} of the counts for the task row aliased {@code t}, which must have the columns
   * {@code mission_id}, {@code pool}, {@code required_capabilities} and {@code accepted_runtimes}; its columns
   * start with {@code agents_} so that they never shadow a task's.
   */
  public static final String JOIN = """
       LEFT JOIN LATERAL (
        SELECT coalesce((SELECT m.budget_exhausted FROM mission m WHERE m.id = t.mission_id), false)
                 AS agents_budget_spent,
               t.accepted_runtimes AS agents_accepted_runtimes,
               count(*) AS agents_connected,
               count(*) FILTER (WHERE t.pool = ANY(g.pools)) AS agents_in_pool,
               count(*) FILTER (WHERE t.pool = ANY(g.pools) AND t.required_capabilities <@ g.capabilities)
                 AS agents_with_capabilities,
               count(*) FILTER (WHERE t.pool = ANY(g.pools) AND t.required_capabilities <@ g.capabilities
                 AND (cardinality(g.runtimes) = 0 OR t.accepted_runtimes && g.runtimes)) AS agents_eligible
        FROM agent g WHERE g.status IN ('connected', 'unhealthy')
      ) agents ON true""";

  /** The counts of a row that {@link #JOIN} added to. */
  public static AgentCounts map(ResultSet rs) throws SQLException {
    return new AgentCounts(rs.getBoolean("agents_budget_spent"), MeshDb.textList(rs, "agents_accepted_runtimes"),
        rs.getInt("agents_connected"), rs.getInt("agents_in_pool"), rs.getInt("agents_with_capabilities"),
        rs.getInt("agents_eligible"));
  }
}
