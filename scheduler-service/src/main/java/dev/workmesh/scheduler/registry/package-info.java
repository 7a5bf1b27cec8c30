/**
 * The jobs a replica runs: {@link dev.workmesh.scheduler.registry.JobRegistry} loads and reloads the
 * job file (on {@code POST /schedules/reload} or when {@link
 * dev.workmesh.scheduler.registry.JobFileWatcher} sees its content change), and {@link
 * dev.workmesh.scheduler.registry.ScheduleStateStore} keeps what all replicas share about a job:
 * when it was registered, and whether it is paused.
 */
package dev.workmesh.scheduler.registry;
