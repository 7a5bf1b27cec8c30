package dev.workmesh.client.model;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One report of a {@code POST /work/reports} batch: how the attempt that {@code claim_token} fences
 * ended. {@code outcome} succeeded (with {@code result}), or failed, timed_out or cancelled (with {@code
 * error}; {@code retryable} defaults to true).
 */
public record ReportRequest(UUID taskId, String claimToken, String outcome, JsonNode result, String error,
    Boolean retryable, Integer exitCode, String logTail) {

  public static ReportRequest succeeded(UUID taskId, String claimToken, JsonNode result, Integer exitCode,
      String logTail) {
    return new ReportRequest(taskId, claimToken, "succeeded", result, null, null, exitCode, logTail);
  }

  public static ReportRequest failed(UUID taskId, FailRequest failure) {
    return new ReportRequest(taskId, failure.claimToken(), failure.outcome() == null ? "failed" : failure.outcome(),
        null, failure.error(), failure.retryable(), failure.exitCode(), failure.logTail());
  }
}
