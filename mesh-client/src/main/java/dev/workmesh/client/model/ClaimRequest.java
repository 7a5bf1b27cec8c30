package dev.workmesh.client.model;

import java.util.UUID;

/**
 * {@code POST /work/claims}: claim the best eligible task(s). An agent token claims as its own agent (so
 * {@code agent_id} may be omitted); an operator names the agent. {@code wait_seconds} (0 to 60) long-polls
 * until a task becomes claimable.
 */
public record ClaimRequest(UUID agentId, UUID missionId, Integer maxTasks, Integer waitSeconds) {}
