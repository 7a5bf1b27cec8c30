package dev.workmesh.worker.identity;

/**
 * mesh-api refused this worker's identity (the agent was revoked, or the token belongs to another
 * mesh or agent). Fatal: the message tells the operator how to give the node a working identity.
 */
public final class IdentityRejectedException extends RuntimeException {

  public IdentityRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
