package dev.workmesh.client.model;

import java.util.List;

/**
 * The claims won by one {@code POST /work/claims}; empty when nothing was claimable in time. An empty
 * answer carries a {@code reason} when the reason is the claimer (see {@link EmptyClaimReason}); it is
 * left out when there simply was nothing, or another claimer was faster.
 */
public record ClaimsResponse(List<ClaimView> claims, EmptyClaimReason reason) {

  public ClaimsResponse(List<ClaimView> claims) {
    this(claims, null);
  }
}
