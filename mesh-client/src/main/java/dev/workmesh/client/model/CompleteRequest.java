package dev.workmesh.client.model;

import tools.jackson.databind.JsonNode;

/** {@code POST /work/tasks/{id}/complete}. {@code result} is any JSON. */
public record CompleteRequest(String claimToken, JsonNode result, Integer exitCode, String logTail) {}
