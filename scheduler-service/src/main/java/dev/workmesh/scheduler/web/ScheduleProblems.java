package dev.workmesh.scheduler.web;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the API as RFC 9457 {@code application/problem+json}. Spring MVC's own errors (bad
 * parameter types, unknown paths, wrong methods) come from {@link ResponseEntityExceptionHandler};
 * the scheduler's are below. Bad input is never a 500.
 */
@RestControllerAdvice
public class ScheduleProblems extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ScheduleProblems.class);
  static final String TYPE_BASE = "https://workmesh.dev/problems/scheduler/";

  @ExceptionHandler(OperatorAuthenticationException.class)
  ResponseEntity<ProblemDetail> unauthorized(OperatorAuthenticationException e) {
    ProblemDetail problem = problem(HttpStatus.UNAUTHORIZED, "operator-token", "Operator token required", e.getMessage());
    return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"scheduler-service\"")
        .body(problem);
  }

  @ExceptionHandler(UnknownJobException.class)
  ResponseEntity<ProblemDetail> unknownJob(UnknownJobException e) {
    ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "unknown-job", "Unknown job", e.getMessage());
    problem.setProperty("job", e.job());
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
  }

  @ExceptionHandler(InvalidRequestException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
    problem.setProperty("parameter", e.parameter());
    return ResponseEntity.badRequest().body(problem);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("unexpected error in the schedules API", e);
    ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
        "the scheduler failed to answer (" + e.getClass().getSimpleName() + "); see its log. If the database is"
            + " unreachable, retry once it is back");
    return ResponseEntity.internalServerError().body(problem);
  }

  static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_BASE + type));
    problem.setTitle(title);
    return problem;
  }
}
