package dev.workmesh.client.model;

import java.util.List;

/** The claims won by one {@code POST /work/claims}; empty when nothing was claimable in time. */
public record ClaimsResponse(List<ClaimView> claims) {}
