package dev.workmesh.core.task;

/**
 * Which of a mission's tasks a listing shows, and in which order.
 *
 * @param status only tasks in this status, or any when null
 * @param pool only tasks of this pool, or any when null
 * @param runtime only tasks with this runtime hint, or any when null
 * @param newestFirst newest submission first (the cursor then pages towards older tasks); else oldest first
 */
public record TaskFilter(TaskStatus status, String pool, String runtime, boolean newestFirst) {

  /** Every task, oldest first. */
  public static final TaskFilter ALL = new TaskFilter(null, null, null, false);

  public static TaskFilter status(TaskStatus status) {
    return new TaskFilter(status, null, null, false);
  }
}
