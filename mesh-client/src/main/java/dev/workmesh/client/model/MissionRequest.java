package dev.workmesh.client.model;

/** {@code POST /work/missions}; {@code budget} is optional. */
public record MissionRequest(String name, String description, Budget budget) {

  public MissionRequest(String name, String description) {
    this(name, description, null);
  }
}
