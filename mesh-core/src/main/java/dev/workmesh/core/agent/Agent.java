package dev.workmesh.core.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A claimer: usually one task-worker node or one MCP-connected agent. */
public record Agent(
    UUID id,
    String name,
    List<String> pools,
    List<String> capabilities,
    List<String> runtimes,
    int maxConcurrency,
    Map<String, String> labels,
    AgentStatus status,
    Instant enrolledAt,
    Instant lastHeartbeatAt,
    Instant statusChangedAt) {}
