package dev.workmesh.web;

import dev.workmesh.core.ValidationException;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Says which field of a JSON body could not be read and what was expected there, in words a caller can
 * act on: never a Java or Jackson type name.
 */
public final class JsonReadErrors {

  private JsonReadErrors() {}

  /**
   * Names the fields (with {@code prefix}, e.g. "[3].") that a JSON read failed on: the violations of a
   * strict reader (a {@link ValidationException} thrown while reading, its fields relative to where it
   * was read), else the one field Jackson stopped at.
   */
  public static List<ValidationException.Violation> describeAll(Throwable cause, String prefix) {
    ValidationException invalid = null;
    for (Throwable t = cause; t != null && t.getCause() != t && invalid == null; t = t.getCause()) {
      invalid = t instanceof ValidationException v ? v : null;
    }
    if (cause instanceof JacksonException json && invalid != null) {
      String at = path(json);
      String base = prefix + (at.equals("body") ? "" : at);
      return invalid.violations().stream()
          .map(v -> new ValidationException.Violation(
              v.field().isEmpty() ? (base.isEmpty() ? "body" : base) : base.isEmpty() ? v.field() : base + "." + v.field(),
              v.message()))
          .toList();
    }
    return List.of(describe(cause, prefix));
  }

  /** Names the field (with {@code prefix}, e.g. "[3].") that a JSON read failed on. */
  public static ValidationException.Violation describe(Throwable cause, String prefix) {
    ValidationException.Violation v = describeCause(cause);
    String field = prefix.isEmpty() || v.field().equals("body") ? v.field() : prefix + v.field();
    return new ValidationException.Violation(field, v.message());
  }

  private static ValidationException.Violation describeCause(Throwable cause) {
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return new ValidationException.Violation(path(unknown),
          "is not a known field; known fields: " + unknown.getKnownPropertyIds());
    }
    if (cause instanceof InvalidFormatException format) {
      return new ValidationException.Violation(path(format),
          "cannot be read as " + typeName(format.getTargetType()) + ": " + printable(format.getValue()));
    }
    if (cause instanceof MismatchedInputException mismatch) {
      return new ValidationException.Violation(path(mismatch),
          "must be " + typeName(mismatch.getTargetType()));
    }
    if (cause instanceof DatabindException bind && !path(bind).equals("body")) {
      return new ValidationException.Violation(path(bind),
          "has a value this field cannot take: a number out of range or a value of the wrong type");
    }
    if (cause instanceof JacksonException json) {
      return new ValidationException.Violation(path(json), "is not valid JSON: " + withoutJavaNames(json));
    }
    return new ValidationException.Violation("body", "is missing or is not a JSON document");
  }

  private static String path(JacksonException e) {
    StringBuilder out = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? "body" : out.toString();
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    return switch (type.getSimpleName()) {
      case "UUID" -> "a UUID";
      case "Integer", "int", "Long", "long" -> "an integer";
      case "Boolean", "boolean" -> "true or false";
      case "String" -> "a string";
      case "Instant", "OffsetDateTime" -> "an ISO-8601 timestamp such as 2026-11-21T09:30:00Z";
      case "List", "Set" -> "an array";
      case "Map", "JsonNode", "ObjectNode" -> "a JSON object";
      case "Double", "double", "Float", "float", "BigDecimal" -> "a finite number";
      default -> type.isEnum() ? "one of " + java.util.Arrays.stream(type.getEnumConstants())
          .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).toList()
          : type.isRecord() || type.getSimpleName().endsWith("Request") ? "a JSON object" : "a value of another type";
    };
  }

  /** Jackson's own words, unless they name Java types (then a plain sentence instead). */
  private static String withoutJavaNames(JacksonException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (JAVA_NAME.matcher(message).find()) {
      return "the document cannot be read at line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
          + ", column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr());
    }
    return message;
  }

  private static final Pattern JAVA_NAME =
      Pattern.compile("`|\\b(java|javax|jakarta|tools\\.jackson|dev\\.workmesh|org\\.springframework)\\.|Node\\b");

  private static String printable(Object value) {
    String text = String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

}
