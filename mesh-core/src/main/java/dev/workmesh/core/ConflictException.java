package dev.workmesh.core;

/** A request that is well formed but conflicts with the current state, such as retrying a running task. */
public class ConflictException extends MeshException {

  public ConflictException(String message) {
    super(message);
  }
}
