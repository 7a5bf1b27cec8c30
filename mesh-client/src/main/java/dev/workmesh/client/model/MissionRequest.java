package dev.workmesh.client.model;

/** {@code POST /work/missions}. */
public record MissionRequest(String name, String description) {}
