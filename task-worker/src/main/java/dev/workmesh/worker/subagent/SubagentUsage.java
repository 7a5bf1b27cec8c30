package dev.workmesh.worker.subagent;

import java.math.BigDecimal;

/**
 * What one attempt's agent spent, as its CLI reported it.
 *
 * @param model the model that answered; null when the CLI does not say (Codex CLI)
 * @param inputTokens prompt tokens of every model call of the attempt, cache reads and writes included
 * @param outputTokens generated tokens of every model call of the attempt
 * @param costUsd the cost the CLI computed, in US dollars; null when it does not report one
 */
public record SubagentUsage(String model, long inputTokens, long outputTokens, BigDecimal costUsd) {}
