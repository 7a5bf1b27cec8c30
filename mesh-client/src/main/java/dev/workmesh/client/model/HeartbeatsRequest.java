package dev.workmesh.client.model;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /work/heartbeats}: renews the leases of up to 100 of the caller's claims in one request. Each
 * claim is fenced by its own token and answered on its own.
 */
public record HeartbeatsRequest(List<Claim> heartbeats) {

  /**
   * One claim to renew: its task, the token its claim returned, and the end of the attempt's output so far
   * ({@code logTail}; null leaves the stored tail as it is).
   */
  public record Claim(UUID taskId, String claimToken, String logTail) {

    /** A claim to renew, leaving its stored output as it is. */
    public Claim(UUID taskId, String claimToken) {
      this(taskId, claimToken, null);
    }
  }
}
