package dev.workmesh.client.model;

/**
 * {@code POST /work/tasks/{id}/fail}. {@code outcome} is failed (default), timed_out or cancelled;
 * {@code retryable} (default true) false means retrying cannot help.
 */
public record FailRequest(String claimToken, String error, String outcome, Boolean retryable, Integer exitCode,
    String logTail) {}
