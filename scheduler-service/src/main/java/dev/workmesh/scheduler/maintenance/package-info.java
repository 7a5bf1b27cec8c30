/**
 * Leader-only sweeps on mesh-core's {@code MaintenanceLoop}: promotion of due pending tasks,
 * re-dispatch of stale ready tasks, garbage collection of fire records. See {@link
 * dev.workmesh.scheduler.maintenance.SchedulerMaintenance}.
 */
package dev.workmesh.scheduler.maintenance;
