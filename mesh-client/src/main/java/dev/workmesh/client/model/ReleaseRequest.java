package dev.workmesh.client.model;

/**
 * {@code POST /work/tasks/{id}/release}: the claim token, and why the claim is given back (optional, up to
 * 2000 characters; kept as the released attempt's {@code error}).
 */
public record ReleaseRequest(String claimToken, String reason) {}
