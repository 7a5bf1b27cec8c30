package dev.workmesh.client.model;

import java.math.BigDecimal;

/**
 * What a mission's attempts may spend: {@code tokens} (input plus output), {@code cost_usd}, or both;
 * null for no limit of that kind. Once either is reached its remaining tasks are not claimed.
 */
public record Budget(Long tokens, BigDecimal costUsd) {}
