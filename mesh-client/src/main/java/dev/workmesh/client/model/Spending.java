package dev.workmesh.client.model;

import java.math.BigDecimal;

/** What attempts have spent, from the usage their agents reported: tokens (input plus output) and cost. */
public record Spending(long inputTokens, long outputTokens, long tokens, BigDecimal costUsd) {}
