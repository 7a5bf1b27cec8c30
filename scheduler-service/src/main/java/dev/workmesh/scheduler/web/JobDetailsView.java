package dev.workmesh.scheduler.web;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code GET /schedules/{name}}: the job's full configuration, its state and its last fire. */
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
    TaskView task,
    String contentHash,
    Instant registeredAt,
    Instant nextFireAt,
    FireView lastFire) {

  /** The {@code [job.task]} template. */
  public record TaskView(
      String title, String description, String claimPolicy, String assignedAgent, String pool,
      List<String> requiredCapabilities, int priority, String runtime, JsonNode input, int maxAttempts,
      String timeout) {}
}
