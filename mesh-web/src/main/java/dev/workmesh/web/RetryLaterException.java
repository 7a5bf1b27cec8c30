package dev.workmesh.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * A refusal the caller should try again after a while: answered with its status and a Retry-After header,
 * 429 when the caller sends faster than its rate allows, 503 when this replica is at a configured ceiling
 * (the caller backs off or goes to another replica).
 */
public final class RetryLaterException extends StatusException {

  private final long retryAfterSeconds;

  private RetryLaterException(int status, String title, String message, long retryAfterSeconds) {
    super(status, title, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 429: the caller sends faster than its rate allows. */
  public static RetryLaterException tooManyRequests(String message, long retryAfterSeconds) {
    return new RetryLaterException(429, "Too many requests", message, retryAfterSeconds);
  }

  /** 503: this replica is at a configured ceiling. */
  public static RetryLaterException busy(String message, long retryAfterSeconds) {
    return new RetryLaterException(503, "Service unavailable", message, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public Map<String, String> headers() {
    return Map.of(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
  }
}
