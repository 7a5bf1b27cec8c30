package dev.workmesh.web;

import dev.workmesh.core.ConflictException;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.NotYourClaimException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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

/**
 * Turns every error of a controller into {@code application/problem+json} with a detail that says what
 * to change. Bad input is a 4xx, never a 500; a 500 carries no stack trace. A service's own errors are
 * {@link StatusException}s (or mesh-core's); {@link DatabaseOutageProblems} adds the 503 of services
 * with a database.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
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

  @ExceptionHandler(NotYourClaimException.class)
  ResponseEntity<ProblemDetail> forbidden(NotYourClaimException e, HttpServletRequest request) {
    return respond(Problems.of(403, "Forbidden", e.getMessage()), request);
  }

  @ExceptionHandler(StatusException.class)
  ResponseEntity<ProblemDetail> status(StatusException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(e.status(), e.title(), e.getMessage());
    e.properties().forEach(problem::setProperty);
    problem.setInstance(URI.create(Problems.safePath(request.getRequestURI())));
    ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
    e.headers().forEach((name, value) -> response.header(name, value));
    return response.body(problem);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String expected = e.getRequiredType() == null ? "a valid value" : switch (e.getRequiredType().getSimpleName()) {
      case "UUID" -> "a UUID such as " + StrictUuids.EXAMPLE;
      case "Integer", "int", "Long", "long" -> "an integer";
      case "Boolean", "boolean" -> "true or false";
      default -> "a valid value";
    };
    return respond(Problems.invalid(List.of(new ValidationException.Violation(e.getName(), "must be " + expected))),
        request);
  }

  /** A query string or form body Tomcat cannot parse (a parameter without a name, bad percent-encoding). */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> badParameters(Exception e, HttpServletRequest request) {
    return respond(Problems.invalid(List.of(new ValidationException.Violation("query",
        "is malformed: every parameter needs a name and valid percent-encoding, e.g. ?limit=10"))), request);
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      org.springframework.web.servlet.resource.NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status,
      WebRequest request) {
    return ResponseEntity.status(404).body(Problems.of(404, "Not found", ContainerErrors.detail(404)));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    if (DatabaseOutageProblems.databaseConnectionLost(e)) {
      return DatabaseOutageProblems.unavailable(e, request);
    }
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return respond(Problems.of(500, "Internal error",
        "the service could not handle this request; it has been logged. Try again, and report it if it persists."),
        request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (BodySizeLimitFilter.hasCause(e, BodySizeLimitFilter.BodyTooLargeException.class)) {
      return ResponseEntity.status(413).body(Problems.of(413, "Payload too large",
          "the body is larger than this service allows; split a large batch or move big inputs out of the task"));
    }
    return ResponseEntity.status(400).body(Problems.invalid(JsonReadErrors.describeAll(e.getCause(), "")));
  }

  /** Spring MVC's own errors keep their status; their detail is replaced where it could name Java types. */
  @Override
  protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
      WebRequest request) {
    if (body instanceof ProblemDetail problem) {
      problem.setType(URI.create(Problems.typeOf(status.value())));
      if (problem.getDetail() == null || problem.getDetail().contains("java.")
          || problem.getDetail().contains("Exception")) {
        problem.setDetail(ContainerErrors.detail(status.value()));
      }
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpServletRequest request) {
    problem.setInstance(URI.create(Problems.safePath(request.getRequestURI())));
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }
}
