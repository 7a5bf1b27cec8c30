package dev.workmesh.client.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An agent and its health. */
public record AgentView(
    UUID id,
    String name,
    List<String> pools,
    List<String> capabilities,
    List<String> runtimes,
    int maxConcurrency,
    Map<String, String> labels,
    String status,
    Instant enrolledAt,
    Instant lastHeartbeatAt,
    Instant statusChangedAt) {}
