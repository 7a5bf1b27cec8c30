package dev.workmesh.core.task;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.workmesh.client.model.TaskRequest;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A unit of work in a mission, as stored: what was submitted ({@link TaskFields}, its fields shown flat on
 * the wire) and the state the engine keeps.
 */
public record MeshTask(
    UUID id,
    UUID missionId,
    @JsonUnwrapped TaskRequest request,
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
    Instant updatedAt) implements TaskFields {}
