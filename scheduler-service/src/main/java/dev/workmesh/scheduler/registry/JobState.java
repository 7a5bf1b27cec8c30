package dev.workmesh.scheduler.registry;

import java.time.Instant;

/**
 * A job's row in {@code schedule_state}: what the scheduler keeps about a job besides its definition.
 *
 * @param registeredAt when a replica first loaded a job of this name
 * @param activeSince when the job was registered or last paused or resumed ({@code updated_at}).
 *     Fires never reach back before it: a never-fired job does not fire for instants before it was
 *     registered, and resuming a job does not fire the instants that passed while it was paused.
 */
public record JobState(String jobName, boolean paused, Instant registeredAt, Instant activeSince) {}
