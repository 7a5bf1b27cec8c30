package dev.workmesh.web;

/** The caller is authenticated but may not do this; answered with 403. */
public final class ForbiddenException extends StatusException {

  public ForbiddenException(String message) {
    super(403, "Forbidden", message);
  }
}
