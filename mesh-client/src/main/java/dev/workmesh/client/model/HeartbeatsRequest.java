package dev.workmesh.client.model;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /work/heartbeats}: renews the leases of up to 100 of the caller's claims in one request. Each
 * claim is fenced by its own token and answered on its own.
 */
public record HeartbeatsRequest(List<Claim> heartbeats) {

  /** One claim to renew: its task and the token its claim returned. */
  public record Claim(UUID taskId, String claimToken) {}
}
