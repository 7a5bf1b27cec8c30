package dev.workmesh.client.model;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One report of a {@code POST /work/reports} batch: how the attempt that {@code claim_token} fences
 * ended. {@code outcome} succeeded (with {@code result}), or failed, timed_out or cancelled (with {@code
 * error}; {@code retryable} defaults to true). {@code usage}, when the agent's CLI reported it, is
 * recorded on the attempt.
 */
public record ReportRequest(UUID taskId, String claimToken, String outcome, JsonNode result, String error,
    Boolean retryable, Integer exitCode, String logTail, Usage usage) {

  public ReportRequest(UUID taskId, String claimToken, String outcome, JsonNode result, String error,
      Boolean retryable, Integer exitCode, String logTail) {
    this(taskId, claimToken, outcome, result, error, retryable, exitCode, logTail, null);
  }

  public static ReportRequest succeeded(UUID taskId, String claimToken, JsonNode result, Integer exitCode,
      String logTail) {
    return succeeded(taskId, new CompleteRequest(claimToken, result, exitCode, logTail));
  }

  public static ReportRequest succeeded(UUID taskId, CompleteRequest completion) {
    return new ReportRequest(taskId, completion.claimToken(), "succeeded", completion.result(), null, null,
        completion.exitCode(), completion.logTail(), completion.usage());
  }

  public static ReportRequest failed(UUID taskId, FailRequest failure) {
    return new ReportRequest(taskId, failure.claimToken(), failure.outcome() == null ? "failed" : failure.outcome(),
        null, failure.error(), failure.retryable(), failure.exitCode(), failure.logTail(), failure.usage());
  }
}
