package dev.workmesh.core.task;

import static dev.workmesh.core.task.TaskStatus.CANCELLED;
import static dev.workmesh.core.task.TaskStatus.CLAIMED;
import static dev.workmesh.core.task.TaskStatus.FAILED;
import static dev.workmesh.core.task.TaskStatus.PENDING;
import static dev.workmesh.core.task.TaskStatus.READY;
import static dev.workmesh.core.task.TaskStatus.RUNNING;
import static dev.workmesh.core.task.TaskStatus.SUCCEEDED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one table of allowed task-state changes. Every write of {@code task.status} goes through {@link
 * #check}; SQL that moves several tasks at once restricts its WHERE clause to {@link #from} the same
 * table.
 */
public final class TaskTransitions {

  private static final Map<TaskStatus, Set<TaskStatus>> ALLOWED = new EnumMap<>(TaskStatus.class);

  static {
    // pending: waiting for time or dependencies; a failed dependency fails it.
    ALLOWED.put(PENDING, EnumSet.of(READY, FAILED, CANCELLED));
    // ready: claimable. Broadcast tasks go straight to running when their first target claims.
    ALLOWED.put(READY, EnumSet.of(CLAIMED, RUNNING, CANCELLED, FAILED, SUCCEEDED));
    // claimed/running: released or lost without backoff -> ready; retry with backoff -> pending.
    ALLOWED.put(CLAIMED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED, READY, PENDING));
    ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, READY, PENDING));
    // Manual retry of a task that ended badly.
    ALLOWED.put(FAILED, EnumSet.of(READY, PENDING));
    ALLOWED.put(CANCELLED, EnumSet.of(READY, PENDING));
    ALLOWED.put(SUCCEEDED, EnumSet.noneOf(TaskStatus.class));
  }

  private TaskTransitions() {}

  public static boolean allowed(TaskStatus from, TaskStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The states from which {@code to} may be reached. */
  public static Set<TaskStatus> from(TaskStatus to) {
    Set<TaskStatus> sources = EnumSet.noneOf(TaskStatus.class);
    ALLOWED.forEach((from, targets) -> {
      if (targets.contains(to)) {
        sources.add(from);
      }
    });
    return sources;
  }

  /** Throws {@link IllegalTransitionException} unless {@code from -> to} is in the table. */
  public static void check(UUID taskId, TaskStatus from, TaskStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalTransitionException(taskId, from, to);
    }
  }
}
