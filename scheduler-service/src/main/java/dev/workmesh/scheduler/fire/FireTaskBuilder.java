package dev.workmesh.scheduler.fire;

import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskRecords;
import dev.workmesh.scheduler.job.JobDefinition;
import java.time.Instant;
import java.util.Map;

/** Turns a job's task template into the mesh-core submission of one fire. */
public final class FireTaskBuilder {

  private FireTaskBuilder() {}

  /** Who submitted a job's tasks, as kept on the task: {@code scheduler:<job>}. */
  public static String submittedBy(String job) {
    return "scheduler:" + job;
  }

  /**
   * {@code schedule:<job>:<instant>}: a second submission for the same fire, however it came about,
   * returns the first task instead of making another (mesh-core invariant 6).
   */
  public static String idempotencyKey(String job, Instant scheduledAt) {
    return "schedule:" + job + ":" + scheduledAt;
  }

  /** The template's fields by name ({@link TaskRecords}), with the fire's idempotency key. */
  public static NewTask newTask(JobDefinition job, Instant scheduledAt) {
    return TaskRecords.copy(job.task(), NewTask.class,
        Map.of("idempotencyKey", idempotencyKey(job.name(), scheduledAt)));
  }
}
