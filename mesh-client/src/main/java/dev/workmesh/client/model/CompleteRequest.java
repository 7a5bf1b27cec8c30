package dev.workmesh.client.model;

import tools.jackson.databind.JsonNode;

/**
 * {@code POST /work/tasks/{id}/complete}. {@code result} is any JSON; {@code usage}, when the agent's
 * CLI reported it, is recorded on the attempt.
 */
public record CompleteRequest(String claimToken, JsonNode result, Integer exitCode, String logTail, Usage usage) {

  public CompleteRequest(String claimToken, JsonNode result, Integer exitCode, String logTail) {
    this(claimToken, result, exitCode, logTail, null);
  }
}
