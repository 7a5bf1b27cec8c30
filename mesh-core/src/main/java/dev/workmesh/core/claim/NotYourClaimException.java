package dev.workmesh.core.claim;

import dev.workmesh.core.MeshException;
import java.util.UUID;

/** An agent reporting on a claim that another agent holds. */
public final class NotYourClaimException extends MeshException {

  private final UUID taskId;
  private final UUID agentId;

  public NotYourClaimException(UUID taskId, UUID agentId) {
    super("agent " + agentId + " does not hold the claim on task " + taskId + "; an agent reports only on its own claims");
    this.taskId = taskId;
    this.agentId = agentId;
  }

  public UUID taskId() {
    return taskId;
  }

  public UUID agentId() {
    return agentId;
  }
}
