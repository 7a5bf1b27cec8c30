package dev.workmesh.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;

/** A caller sent faster than its rate allows; answered with 429 and Retry-After. */
public final class RateLimitedException extends StatusException {

  private final long retryAfterSeconds;

  public RateLimitedException(String message, long retryAfterSeconds) {
    super(429, "Too many requests", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public Map<String, String> headers() {
    return Map.of(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
  }
}
