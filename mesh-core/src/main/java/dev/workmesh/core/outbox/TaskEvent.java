package dev.workmesh.core.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * A task lifecycle transition, published on {@code mesh.task-events} keyed by task id. {@code type} is
 * {@code task.<status>} for a status change, or {@code task.cancel_requested}, {@code attempt.lost}.
 */
public record TaskEvent(
    UUID eventId,
    String type,
    UUID taskId,
    UUID missionId,
    String status,
    String previousStatus,
    int attempt,
    UUID agentId,
    UUID attemptId,
    String reason,
    Instant at) {}
