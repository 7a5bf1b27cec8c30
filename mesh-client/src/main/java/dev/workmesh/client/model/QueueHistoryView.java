package dev.workmesh.client.model;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /work/pools/queue-history}: per pool with ready tasks in the window, its samples oldest first,
 * taken every {@code interval_seconds} over the last {@code window_seconds} by the answering replica.
 */
public record QueueHistoryView(long intervalSeconds, long windowSeconds, Map<String, List<QueueSample>> pools) {}
