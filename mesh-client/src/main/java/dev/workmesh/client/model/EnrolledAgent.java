package dev.workmesh.client.model;

/** The answer to an enrolment: the agent and its token, shown this once only. */
public record EnrolledAgent(AgentView agent, String token) {

  @Override
  public String toString() {
    return "EnrolledAgent[agent=" + agent + ", token=<redacted>]";
  }
}
