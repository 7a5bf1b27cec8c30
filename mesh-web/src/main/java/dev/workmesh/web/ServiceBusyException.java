package dev.workmesh.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;

/** This replica is at a configured ceiling; answered with 503 and Retry-After, so the caller backs off or goes elsewhere. */
public final class ServiceBusyException extends StatusException {

  private final long retryAfterSeconds;

  public ServiceBusyException(String message, long retryAfterSeconds) {
    super(503, "Service unavailable", message);
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
