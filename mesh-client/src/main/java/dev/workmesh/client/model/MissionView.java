package dev.workmesh.client.model;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A mission; {@code task_counts} (status to count) only on {@code GET /work/missions/{id}}. */
public record MissionView(UUID id, String name, String description, Instant createdAt, Map<String, Long> taskCounts) {}
