package dev.workmesh.client.model;

import java.util.List;

/**
 * The answer of {@code GET /work/pools/stranded}: those of the agent's pools where a task has stayed ready
 * for {@code strandedAfterMs} or longer since its last dispatch record (the record did not bring it to a
 * worker with room); empty when none was found within the wait.
 */
public record StrandedPoolsResponse(List<String> pools, long strandedAfterMs) {}
