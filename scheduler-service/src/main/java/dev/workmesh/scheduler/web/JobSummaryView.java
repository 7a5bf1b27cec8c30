package dev.workmesh.scheduler.web;

import java.time.Instant;

/**
 * One job in {@code GET /schedules}.
 *
 * @param kind {@code cron} or {@code interval}
 * @param schedule the cron expression, or the interval such as {@code 2h30m}
 * @param nextFireAt the next scheduled instant; null while the job is disabled or paused
 * @param lastFire the most recent fire, scheduled or manual; null if it never fired
 */
public record JobSummaryView(
    String name, String kind, String schedule, String zone, boolean enabled, boolean paused, String misfire,
    String mission, Instant nextFireAt, FireView lastFire) {}
