package dev.workmesh.client.model;

import java.util.List;
import java.util.UUID;

/**
 * The answer to {@code POST /work/reports}: one result per report, in order. A refused report changed
 * nothing (status 409: its claim is no longer live; 403: another agent's claim); the others stand.
 */
public record ReportsResponse(List<Result> results) {

  public record Result(UUID taskId, boolean accepted, Integer status, String detail) {}
}
