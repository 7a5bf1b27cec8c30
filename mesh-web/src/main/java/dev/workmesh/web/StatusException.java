package dev.workmesh.web;

import dev.workmesh.core.MeshException;
import java.util.Map;

/**
 * A service's own refusal with the HTTP status it is answered with; {@link ProblemHandler} turns it into
 * problem+json with its title, extra members and headers.
 */
public abstract class StatusException extends MeshException {

  private final int status;
  private final String title;

  protected StatusException(int status, String title, String message) {
    super(message);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** Extra members of the problem, e.g. {@code {"job": "nightly"}}. */
  public Map<String, Object> properties() {
    return Map.of();
  }

  /** Response headers, e.g. {@code Retry-After}. */
  public Map<String, String> headers() {
    return Map.of();
  }
}
