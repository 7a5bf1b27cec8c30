package dev.workmesh.api.auth;

/** The caller is authenticated but may not do this; answered with 403. */
public final class ForbiddenException extends RuntimeException {

  public ForbiddenException(String message) {
    super(message);
  }
}
