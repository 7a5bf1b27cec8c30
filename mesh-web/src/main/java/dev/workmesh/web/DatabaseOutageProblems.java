package dev.workmesh.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The database is unreachable or failing over: a 503 with Retry-After that the caller may retry, never a
 * 500 with a trace. Configured only in services that have a database (spring-jdbc present).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DatabaseOutageProblems {

  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageProblems.class);

  /** Seconds a caller is asked to wait before retrying. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public static final String UNAVAILABLE =
      "the mesh's database is not reachable right now; nothing was changed. Retry after a few seconds"
          + " (with the same idempotency_key for a submission).";

  @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
      org.springframework.jdbc.CannotGetJdbcConnectionException.class,
      org.springframework.dao.TransientDataAccessException.class,
      org.springframework.transaction.CannotCreateTransactionException.class,
      org.springframework.transaction.TransactionSystemException.class})
  ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
    return unavailable(e, request);
  }

  static ResponseEntity<ProblemDetail> unavailable(Exception e, HttpServletRequest request) {
    log.warn("database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    ProblemDetail problem = Problems.of(503, "Service unavailable", UNAVAILABLE);
    problem.setInstance(URI.create(Problems.safePath(request.getRequestURI())));
    return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
        .body(problem);
  }

  /**
   * Whether an error comes from losing the database connection (SQLState class 08, or 57P: the server
   * shutting down), however it was wrapped. (A transaction whose connection died fails its rollback:
   * that is a TransactionSystemException, handled above.)
   */
  public static boolean databaseConnectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}
