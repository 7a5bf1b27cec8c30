package dev.workmesh.client;

import dev.workmesh.client.model.Problem;

/** mesh-api answered with an error; {@link #problem()} says what to change. */
public final class MeshApiException extends RuntimeException {

  private final int status;
  private final Problem problem;

  public MeshApiException(int status, Problem problem) {
    super(status + " " + (problem == null ? "" : problem.title() + ": " + problem.detail()));
    this.status = status;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  public Problem problem() {
    return problem;
  }

  /** 409 on a report: the claim is no longer ours (lease lapsed, cancelled, or reported already). */
  public boolean isConflict() {
    return status == 409;
  }
}
