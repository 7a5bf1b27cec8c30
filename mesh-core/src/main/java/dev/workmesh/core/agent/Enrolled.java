package dev.workmesh.core.agent;

/** A new agent and its token: the only time the token is ever shown. */
public record Enrolled(Agent agent, String token) {

  @Override
  public String toString() {
    return "Enrolled[agent=" + agent + ", token=<redacted>]";
  }
}
