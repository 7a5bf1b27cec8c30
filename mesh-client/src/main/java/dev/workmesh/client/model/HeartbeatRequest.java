package dev.workmesh.client.model;

/**
 * {@code POST /work/tasks/{id}/heartbeat}: the claim token of the attempt and, optionally, the end of the
 * attempt's output so far ({@code log_tail}, replaces the stored tail; null leaves it as it is), so that
 * the output can be read while the attempt runs.
 */
public record HeartbeatRequest(String claimToken, String logTail) {}
