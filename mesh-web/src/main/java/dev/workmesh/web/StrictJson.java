package dev.workmesh.web;

import dev.workmesh.core.ValidationException.Violation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks for readers that must not let Jackson coerce: whole numbers that are JSON integers (not {@code
 * 1.5}, not {@code "12"}), finite numbers, known fields only. Violations name fields relative to the
 * object read; {@link ProblemHandler} puts the object's path in front.
 */
public final class StrictJson {

  private StrictJson() {}

  /** Adds a violation per field of {@code object} that is not one of {@code known}. */
  public static void knownFields(JsonNode object, Set<String> known, List<Violation> out) {
    for (String name : object.propertyNames()) {
      if (!known.contains(name)) {
        out.add(new Violation(name, "is not a known field; known fields: " + known.stream().sorted().toList()));
      }
    }
  }

  /** The JSON integer at {@code field}, or null when it is absent or null and not required. */
  public static Long wholeNumber(JsonNode object, String field, boolean required, List<Violation> out) {
    JsonNode n = object.path(field);
    if (n.isMissingNode() || n.isNull()) {
      if (required) {
        out.add(new Violation(field, "is required: an integer >= 0"));
      }
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      out.add(new Violation(field, "must be an integer >= 0" + (required ? "" : ", or null")));
      return null;
    }
    return n.longValue();
  }

  /** The finite JSON number at {@code field}, or null when it is absent or null. */
  public static BigDecimal finiteNumber(JsonNode object, String field, String unit, List<Violation> out) {
    JsonNode n = object.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue()))) {
      out.add(new Violation(field, "must be a finite number of " + unit + ", or null"));
      return null;
    }
    return n.decimalValue();
  }
}
