package dev.workmesh.scheduler.job;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.TaskRecords;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * The task a job submits on every fire: the {@code [job.task]} table of {@code cron.toml}, read into the
 * submission record ({@link TaskRequest}) with mesh-core's defaults filled. Every field of a submission
 * is a key of the table except those each fire decides or that make no sense on a recurring task.
 */
public final class JobTasks {

  /** Submission fields a job's task does not take: the fire sets the key; the others name one moment or task. */
  static final Set<String> NOT_IN_A_JOB = Set.of("idempotency_key", "not_before", "depends_on", "parent_task_id");

  /** The keys of a {@code [job.task]} table: the submission's fields by their wire names. */
  static final List<String> KEYS = TaskRecords.wireNames(TaskRequest.class).stream()
      .filter(key -> !NOT_IN_A_JOB.contains(key)).toList();

  static final String FIRST_CLAIM = ClaimPolicy.FIRST_CLAIM.wire();
  static final String ASSIGNED = ClaimPolicy.ASSIGNED.wire();
  static final Set<String> CLAIM_POLICIES =
      Arrays.stream(ClaimPolicy.values()).map(ClaimPolicy::wire).collect(Collectors.toUnmodifiableSet());

  private JobTasks() {}

  /** A job's task as the wire shows it: its keys, snake_case, nulls written out. */
  public static ObjectNode wireTree(TaskRequest task) {
    ObjectNode tree = TaskRecords.wireTree(task);
    tree.remove(NOT_IN_A_JOB);
    return tree;
  }
}
