package dev.workmesh.client.model;

import java.util.List;
import java.util.UUID;

/**
 * The answer to {@code POST /work/reports}: one result per report, in order. {@code status} is the HTTP
 * status the report alone would have had: 200 for an accepted one, which also carries {@code task_status},
 * its task's status once the batch was applied (e.g. succeeded, or ready for another attempt); a refused
 * report changed nothing (409: its claim is no longer live; 403: another agent's claim); the others stand.
 */
public record ReportsResponse(List<Result> results) {

  public record Result(UUID taskId, boolean accepted, Integer status, String taskStatus, String detail) {}
}
