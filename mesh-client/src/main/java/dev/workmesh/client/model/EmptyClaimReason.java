package dev.workmesh.client.model;

import java.util.List;

/**
 * Why a claim came back empty, when the reason is the claimer.
 *
 * @param code {@code revoked}, {@code disconnected}, {@code at_capacity} (max_concurrency live claims),
 *     {@code no_ready_work} (no ready task in its pools) or {@code ineligible} (ready tasks in its pools need
 *     capabilities or a runtime it lacks)
 * @param message the same in a sentence that says what to change
 * @param pools the claimer's pools
 * @param readyInPools ready first_claim tasks in those pools (counted up to 1000)
 * @param needCapabilities of those, how many need a capability it lacks
 * @param needRuntime of those, how many need a runtime it does not offer
 * @param missingCapabilities the capabilities they need that it lacks
 * @param missingRuntimes the runtimes that could run them, none of which it offers
 */
public record EmptyClaimReason(String code, String message, List<String> pools, int readyInPools,
    int needCapabilities, int needRuntime, List<String> missingCapabilities, List<String> missingRuntimes) {}
