/**
 * Settings ({@link dev.workmesh.scheduler.config.SchedulerProperties}, every key with its default),
 * wiring ({@link dev.workmesh.scheduler.config.SchedulerConfiguration}) and the start and stop of the
 * loops ({@link dev.workmesh.scheduler.config.SchedulerRuntime}).
 */
package dev.workmesh.scheduler.config;
