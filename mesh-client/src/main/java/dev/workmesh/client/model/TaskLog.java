package dev.workmesh.client.model;

import java.util.UUID;

/**
 * {@code GET /work/tasks/{id}/log}: the output of the task's latest attempt. While the attempt runs
 * ({@code running} true) its worker renews {@code log_tail} with each heartbeat; once it ended, the tail is
 * the one of its report. Everything is null but the task fields when no attempt was made yet.
 *
 * @param taskStatus the task's status now
 * @param attemptNumber the number of the latest attempt (1 for the first)
 * @param logTail the end of the attempt's output (stdout and stderr together), or null when none reached the mesh
 */
public record TaskLog(UUID taskId, String taskStatus, UUID attemptId, Integer attemptNumber, boolean running,
    String logTail) {}
