package dev.workmesh.client.model;

/**
 * {@code POST /work/tasks/{id}/fail}. {@code outcome} is failed (default), timed_out or cancelled;
 * {@code retryable} (default true) false means retrying cannot help; {@code usage}, when the agent's
 * CLI reported it, is recorded on the attempt.
 */
public record FailRequest(String claimToken, String error, String outcome, Boolean retryable, Integer exitCode,
    String logTail, Usage usage) {

  public FailRequest(String claimToken, String error, String outcome, Boolean retryable, Integer exitCode,
      String logTail) {
    this(claimToken, error, outcome, retryable, exitCode, logTail, null);
  }
}
