package dev.workmesh.core.outbox;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A hint that a task can be claimed: on {@code mesh.tasks.pooled} for first_claim, on {@code
 * mesh.tasks.directed} with its {@code targets} for assigned and broadcast. The database claim decides;
 * a record may be stale or repeated.
 */
public record DispatchRecord(
    UUID taskId,
    UUID missionId,
    String claimPolicy,
    String pool,
    int priority,
    List<String> requiredCapabilities,
    List<UUID> targets,
    String reason,
    Instant dispatchedAt) {}
