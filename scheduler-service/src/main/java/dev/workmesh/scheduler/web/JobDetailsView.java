package dev.workmesh.scheduler.web;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /schedules/{name}}: the job's full configuration, its state and its last fire; {@code task} is
 * the {@code [job.task]} template with every field by its wire name.
 */
public record JobDetailsView(
    String name,
    String kind,
    String schedule,
    String description,
    String zone,
    boolean enabled,
    boolean paused,
    String misfire,
    String mission,
    JsonNode task,
    String contentHash,
    Instant registeredAt,
    Instant nextFireAt,
    FireView lastFire) {}
