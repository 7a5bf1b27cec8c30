package dev.workmesh.client.model;

import java.time.Instant;

/** One sample of a pool's queue: ready tasks, and how long the oldest of them had been ready. */
public record QueueSample(Instant at, long depth, double oldestReadyAgeSeconds) {}
