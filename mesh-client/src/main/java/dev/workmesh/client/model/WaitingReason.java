package dev.workmesh.client.model;

/**
 * Why a ready (or pending) task is not being claimed: the requirement no connected agent meets.
 *
 * @param requirement {@code agent} (no agent connected, or its assigned agent is not), {@code pool},
 *     {@code capabilities} or {@code runtime}
 * @param message the same in a sentence
 */
public record WaitingReason(String requirement, String message) {}
