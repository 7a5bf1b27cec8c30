package dev.workmesh.core.task;

import dev.workmesh.core.ConflictException;
import java.util.UUID;

/** A move that {@link TaskTransitions} does not allow, such as retrying a task that succeeded. */
public final class IllegalTransitionException extends ConflictException {

  private final UUID taskId;
  private final TaskStatus from;
  private final TaskStatus to;

  public IllegalTransitionException(UUID taskId, TaskStatus from, TaskStatus to) {
    super("task " + taskId + " cannot go from " + from.wire() + " to " + to.wire());
    this.taskId = taskId;
    this.from = from;
    this.to = to;
  }

  public UUID taskId() {
    return taskId;
  }

  public TaskStatus from() {
    return from;
  }

  public TaskStatus to() {
    return to;
  }
}
