package dev.workmesh.scheduler.web;

import java.time.Instant;
import java.util.List;

/** {@code GET /schedules}: the loaded jobs and the problems of the last load. */
public record JobListView(String source, Instant loadedAt, List<JobSummaryView> jobs, List<String> problems) {}
