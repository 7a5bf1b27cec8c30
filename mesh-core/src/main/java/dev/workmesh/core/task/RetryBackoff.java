package dev.workmesh.core.task;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: after attempt {@code n} the delay is uniform in {@code [0,
 * min(cap, base * 2^(n-1))]}. Full jitter spreads a burst of failures instead of retrying them in lock
 * step.
 */
public record RetryBackoff(Duration base, Duration cap, RandomGenerator random) {

  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CAP = Duration.ofMinutes(5);

  public RetryBackoff {
    if (base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("retry backoff needs 0 <= base <= cap, got base " + base + " cap " + cap);
    }
  }

  public static RetryBackoff defaults() {
    return new RetryBackoff(DEFAULT_BASE, DEFAULT_CAP, RandomGenerator.getDefault());
  }

  /** The delay before the attempt after {@code attemptsSoFar} attempts. */
  public Duration delayAfter(int attemptsSoFar) {
    int exponent = Math.max(0, Math.min(attemptsSoFar - 1, 40));
    long ceilingMs = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(exponent, 30)));
    if (exponent > 30) {
      ceilingMs = cap.toMillis();
    }
    return ceilingMs <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(ceilingMs + 1));
  }
}
