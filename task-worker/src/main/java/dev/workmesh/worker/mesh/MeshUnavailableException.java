package dev.workmesh.worker.mesh;

/**
 * mesh-api could not be reached or answered with a server error (5xx, 429), after retries, or the
 * circuit breaker is open. The call may succeed later; nothing about the claim was decided.
 */
public final class MeshUnavailableException extends RuntimeException {

  public MeshUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
