package dev.workmesh.client.model;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /work/claims}: claim the best eligible task(s). An agent token claims as its own agent (so
 * {@code agent_id} may be omitted); an operator names the agent. {@code wait_seconds} (0 to 60) long-polls
 * until a task becomes claimable. With {@code task_ids} (up to 100, e.g. the tasks of a batch of
 * dispatch records) only those tasks are claimed, the ones still claimable by this agent; no waiting.
 */
public record ClaimRequest(UUID agentId, UUID missionId, Integer maxTasks, Integer waitSeconds, List<UUID> taskIds) {

  public ClaimRequest(UUID agentId, UUID missionId, Integer maxTasks, Integer waitSeconds) {
    this(agentId, missionId, maxTasks, waitSeconds, null);
  }

  /** Claims those of these tasks the caller can still claim. */
  public static ClaimRequest theseTasks(List<UUID> taskIds) {
    return new ClaimRequest(null, null, null, null, taskIds);
  }
}
