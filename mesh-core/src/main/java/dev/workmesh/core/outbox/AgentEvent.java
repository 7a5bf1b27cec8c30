package dev.workmesh.core.outbox;

import java.time.Instant;
import java.util.UUID;

/** An agent was enrolled, changed health, or was revoked; on {@code mesh.agent-events}, keyed by agent id. */
public record AgentEvent(
    UUID eventId, String type, UUID agentId, String name, String status, String previousStatus, Instant at) {}
