package dev.workmesh.api.web;

/** An agent submitted faster than its rate allows; answered with 429 and Retry-After. */
public final class RateLimitedException extends RuntimeException {

  private final long retryAfterSeconds;

  public RateLimitedException(String message, long retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
