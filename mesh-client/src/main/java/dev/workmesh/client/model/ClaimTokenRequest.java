package dev.workmesh.client.model;

/** {@code POST /work/tasks/{id}/heartbeat} and {@code /release}: the claim token of the attempt. */
public record ClaimTokenRequest(String claimToken) {}
