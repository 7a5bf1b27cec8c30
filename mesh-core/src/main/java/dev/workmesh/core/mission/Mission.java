package dev.workmesh.core.mission;

import java.time.Instant;
import java.util.UUID;

/** A named body of work; every task belongs to exactly one mission. */
public record Mission(UUID id, String name, String description, Instant createdAt) {}
