package dev.workmesh.core.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A unit of work in a mission, as stored. */
public record MeshTask(
    UUID id,
    UUID missionId,
    String title,
    String description,
    ClaimPolicy claimPolicy,
    UUID assignedAgent,
    String pool,
    List<String> requiredCapabilities,
    int priority,
    String runtime,
    JsonNode input,
    int maxAttempts,
    Duration timeout,
    Instant notBefore,
    List<UUID> dependsOn,
    UUID parentTaskId,
    String idempotencyKey,
    TaskStatus status,
    int attempt,
    int attemptLimit,
    boolean cancelRequested,
    JsonNode result,
    String error,
    String submittedBy,
    Instant createdAt,
    Instant readyAt,
    Instant finishedAt,
    Instant updatedAt) {}
