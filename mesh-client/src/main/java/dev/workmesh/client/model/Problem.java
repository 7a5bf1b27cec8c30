package dev.workmesh.client.model;

import java.util.List;

/** An RFC 9457 {@code application/problem+json} error; {@code errors} names each offending field. */
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

  /** One offending field, as a JSON path such as {@code [2].priority}. */
  public record FieldError(String field, String message) {}
}
