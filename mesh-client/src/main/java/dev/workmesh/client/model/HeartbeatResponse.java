package dev.workmesh.client.model;

import java.time.Instant;
import java.util.UUID;

/** The renewed lease; when {@code cancel_requested} is true, stop and report {@code fail} with outcome cancelled. */
public record HeartbeatResponse(UUID attemptId, Instant leaseExpiresAt, boolean cancelRequested) {}
