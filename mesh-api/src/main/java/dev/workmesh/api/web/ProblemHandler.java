package dev.workmesh.api.web;

import dev.workmesh.api.auth.ForbiddenException;
import dev.workmesh.core.ConflictException;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.NotYourClaimException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every error into {@code application/problem+json} with a detail that says what to change. Bad
 * input is a 4xx, never a 500; a 500 carries no stack trace.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ValidationException.class)
  ResponseEntity<ProblemDetail> invalid(ValidationException e, HttpServletRequest request) {
    return respond(Problems.invalid(e.violations()), request);
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(NotFoundException e, HttpServletRequest request) {
    return respond(Problems.of(404, "Not found", e.getMessage()), request);
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<ProblemDetail> conflict(ConflictException e, HttpServletRequest request) {
    return respond(Problems.of(409, "Conflict", e.getMessage()), request);
  }

  @ExceptionHandler({NotYourClaimException.class, ForbiddenException.class})
  ResponseEntity<ProblemDetail> forbidden(RuntimeException e, HttpServletRequest request) {
    return respond(Problems.of(403, "Forbidden", e.getMessage()), request);
  }

  @ExceptionHandler(RateLimitedException.class)
  ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(429, "Too many requests", e.getMessage());
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(429).header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
        .body(problem);
  }

  @ExceptionHandler(ServiceBusyException.class)
  ResponseEntity<ProblemDetail> busy(ServiceBusyException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(503, "Service unavailable", e.getMessage());
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
        .body(problem);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String expected = e.getRequiredType() == null ? "a valid value" : switch (e.getRequiredType().getSimpleName()) {
      case "UUID" -> "a UUID such as 01890a5d-ac96-774b-bcce-b302099a8057";
      case "Integer", "int" -> "an integer";
      default -> "a valid " + e.getRequiredType().getSimpleName();
    };
    return respond(Problems.invalid(List.of(new ValidationException.Violation(e.getName(), "must be " + expected))),
        request);
  }

  /** A query string Tomcat cannot split into parameters (e.g. {@code ?=x}: a value without a name). */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> badQuery(Exception e, HttpServletRequest request) {
    return respond(Problems.invalid(List.of(new ValidationException.Violation("query",
        "must be name=value pairs joined by '&', each name non-empty"))), request);
  }

  /** The database is unreachable or failing over: a 503 the caller may retry, never a 500 with a trace. */
  @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
      org.springframework.jdbc.CannotGetJdbcConnectionException.class,
      org.springframework.dao.TransientDataAccessException.class,
      org.springframework.transaction.CannotCreateTransactionException.class,
      org.springframework.transaction.TransactionSystemException.class})
  ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
    log.warn("database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    ProblemDetail problem = Problems.of(503, "Service unavailable", UNAVAILABLE);
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
  }

  /**
   * Whether an error comes from losing the database connection (SQLState class 08, or 57P: the server
   * shutting down), however Spring wrapped it. (A transaction whose connection died fails its rollback:
   * that is a TransactionSystemException, handled above.)
   */
  static boolean databaseConnectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  public static final String UNAVAILABLE =
      "the mesh's database is not reachable right now; nothing was changed. Retry after a few seconds"
          + " (with the same idempotency_key for a submission).";

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    if (databaseConnectionLost(e)) {
      return databaseUnavailable(e, request);
    }
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return respond(Problems.of(500, "Internal error",
        "the mesh could not handle this request; it has been logged. Try again, and report it if it persists."),
        request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (BodySizeLimitFilter.hasCause(e, BodySizeLimitFilter.BodyTooLargeException.class)) {
      return ResponseEntity.status(413).body(Problems.of(413, "Payload too large",
          "the body is larger than mesh-api.max-body-size allows; split a large batch or move big inputs out of the task"));
    }
    ProblemDetail problem = Problems.invalid(describeAll(e.getCause(), ""));
    return ResponseEntity.status(400).body(problem);
  }

  @Override
  protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
      WebRequest request) {
    if (body instanceof ProblemDetail problem && problem.getDetail() == null) {
      problem.setDetail(status.toString());
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  /** Names the field of a JSON body that could not be read, and what was expected there. */
  static ValidationException.Violation describe(HttpMessageNotReadableException e) {
    return describe(e.getCause(), "");
  }

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
    if (cause instanceof JacksonException json) {
      return new ValidationException.Violation(path(json).isEmpty() ? "body" : path(json),
          "is not valid JSON: " + json.getOriginalMessage());
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
      default -> type.getSimpleName().endsWith("Request") ? "a JSON object" : "a " + type.getSimpleName();
    };
  }

  private static String printable(Object value) {
    String text = String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpServletRequest request) {
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }
}
