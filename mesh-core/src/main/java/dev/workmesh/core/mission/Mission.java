package dev.workmesh.core.mission;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A named body of work; every task belongs to exactly one mission.
 *
 * @param budget what its attempts may spend, or null for no limit
 * @param spentInputTokens input tokens its attempts reported
 * @param spentOutputTokens output tokens its attempts reported
 * @param spentCostUsd the cost its attempts reported, in US dollars
 * @param budgetExhausted whether the budget is spent: its remaining tasks are not claimed
 */
public record Mission(UUID id, String name, String description, Instant createdAt, MissionBudget budget,
    long spentInputTokens, long spentOutputTokens, BigDecimal spentCostUsd, boolean budgetExhausted) {

  /** Input plus output tokens: what a token budget counts. */
  public long spentTokens() {
    return spentInputTokens + spentOutputTokens;
  }
}
