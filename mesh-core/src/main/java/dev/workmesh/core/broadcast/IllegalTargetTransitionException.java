package dev.workmesh.core.broadcast;

import dev.workmesh.core.ConflictException;
import java.util.UUID;

/** A move of a broadcast target that {@link TargetTransitions} does not allow. */
public final class IllegalTargetTransitionException extends ConflictException {

  public IllegalTargetTransitionException(UUID taskId, UUID agentId, TargetStatus from, TargetStatus to) {
    super("the broadcast target of task " + taskId + " for agent " + agentId + " cannot go from " + from.wire()
        + " to " + to.wire());
  }
}
