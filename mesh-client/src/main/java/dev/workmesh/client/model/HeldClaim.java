package dev.workmesh.client.model;

import java.time.Instant;
import java.util.UUID;

/** {@code GET /work/claims}: one claim an agent holds now (a live attempt); the claim token is never shown. */
public record HeldClaim(UUID taskId, UUID attemptId, UUID agentId, int attemptNumber, Instant claimedAt,
    Instant startedAt, Instant leaseExpiresAt) {}
