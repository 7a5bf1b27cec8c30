package dev.workmesh.core.claim;

import dev.workmesh.core.ConflictException;
import java.util.UUID;

/**
 * A report with a claim token that is not the live claim of the task: the attempt ended (lease lapsed,
 * revoked, cancelled, already reported) or the token was never issued. Nothing was changed (invariant 2).
 */
public final class StaleClaimException extends ConflictException {

  private final UUID taskId;

  public StaleClaimException(UUID taskId, String why) {
    super("the claim token is not the live claim of task " + taskId + ": " + why);
    this.taskId = taskId;
  }

  public UUID taskId() {
    return taskId;
  }
}
