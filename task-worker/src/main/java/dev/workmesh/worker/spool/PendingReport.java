package dev.workmesh.worker.spool;

import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The final report on one attempt, {@code complete} or {@code fail}, as it is sent and, when the API
 * cannot be reached, as it is kept in the spool.
 *
 * @param taskId the task
 * @param attemptId the attempt; names the spool file
 * @param complete the body of {@code POST /work/tasks/{id}/complete}, or null
 * @param fail the body of {@code POST /work/tasks/{id}/fail}, or null
 * @param finishedAt when the subagent ended
 */
public record PendingReport(UUID taskId, UUID attemptId, CompleteRequest complete, FailRequest fail, Instant finishedAt) {

  public PendingReport {
    Objects.requireNonNull(taskId, "task_id");
    Objects.requireNonNull(attemptId, "attempt_id");
    if ((complete == null) == (fail == null)) {
      throw new IllegalArgumentException("a report is either complete or fail");
    }
  }

  public static PendingReport complete(UUID taskId, UUID attemptId, CompleteRequest body) {
    return new PendingReport(taskId, attemptId, body, null, Instant.now());
  }

  public static PendingReport fail(UUID taskId, UUID attemptId, FailRequest body) {
    return new PendingReport(taskId, attemptId, null, body, Instant.now());
  }

  /** {@code complete} or {@code fail}. */
  public String kind() {
    return complete != null ? "complete" : "fail";
  }

  /** Leaves the claim token, result and log tail out of logs. */
  @Override
  public String toString() {
    return "PendingReport[" + kind() + ", task=" + taskId + ", attempt=" + attemptId + "]";
  }
}
