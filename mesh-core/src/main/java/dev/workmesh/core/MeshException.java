package dev.workmesh.core;

/** The root of every error the mesh raises on purpose. Subclasses carry the ids involved. */
public abstract class MeshException extends RuntimeException {

  protected MeshException(String message) {
    super(message);
  }

  protected MeshException(String message, Throwable cause) {
    super(message, cause);
  }
}
