package dev.workmesh.core;

import java.util.List;
import java.util.stream.Collectors;

/** Input that cannot be accepted; each violation names the field and says what is expected. */
public final class ValidationException extends MeshException {

  /** One problem with one field; {@code field} is a JSON path such as {@code tasks[2].priority}. */
  public record Violation(String field, String message) {}

  private final List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public static ValidationException of(String field, String message) {
    return new ValidationException(List.of(new Violation(field, message)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
