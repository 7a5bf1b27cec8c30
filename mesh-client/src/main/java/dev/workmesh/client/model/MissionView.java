package dev.workmesh.client.model;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A mission; {@code task_counts} maps each task status to how many of its tasks are in it. {@code
 * budget} is null when it has none; {@code spent} is what its attempts reported consuming ({@code
 * input_tokens} and {@code output_tokens} are not kept per mission and read 0); {@code
 * budget_exhausted} says its remaining tasks are not claimed.
 */
public record MissionView(UUID id, String name, String description, Instant createdAt, Map<String, Long> taskCounts,
    Budget budget, Spending spent, boolean budgetExhausted) {}
