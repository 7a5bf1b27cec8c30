package dev.workmesh.scheduler.web;

import java.time.Instant;

/** {@code POST /schedules/gc}: how many fire records were deleted, and the cutoff applied. */
public record GcView(int deleted, String retention, Instant cutoff) {}
