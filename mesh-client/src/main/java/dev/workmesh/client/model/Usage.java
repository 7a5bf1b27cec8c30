package dev.workmesh.client.model;

import java.math.BigDecimal;

/**
 * What one attempt's agent consumed, as its CLI reported it: the model (null when the CLI does not
 * say), input and output tokens, and the cost in US dollars (null when the CLI does not report one).
 * Sent with the report that ends an attempt; shown per attempt and summed per task and mission.
 */
public record Usage(String model, long inputTokens, long outputTokens, BigDecimal costUsd) {

  /** Input plus output tokens: what a mission's token budget counts. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
