package dev.workmesh.worker.identity;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Who this worker is in the mesh: the agent id and its bearer token, as kept in {@code
 * <data-dir>/identity.json} (mode 0600) between restarts.
 *
 * @param agentId the agent's id
 * @param agentToken the agent's bearer token, shown by the API only at enrolment
 * @param name the name it enrolled with
 * @param apiUrl the mesh-api it enrolled with
 * @param enrolledAt when it enrolled; null for an identity given in the configuration
 */
public record AgentIdentity(UUID agentId, String agentToken, String name, String apiUrl, Instant enrolledAt) {

  public AgentIdentity {
    Objects.requireNonNull(agentId, "agent_id");
    Objects.requireNonNull(agentToken, "agent_token");
  }

  /** Leaves the token out of logs. */
  @Override
  public String toString() {
    return "AgentIdentity[agentId=%s, name=%s, apiUrl=%s, enrolledAt=%s, agentToken=<redacted>]"
        .formatted(agentId, name, apiUrl, enrolledAt);
  }
}
