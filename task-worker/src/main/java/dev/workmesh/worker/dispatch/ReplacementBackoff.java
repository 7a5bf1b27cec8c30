package dev.workmesh.worker.dispatch;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * How long a consumer that broke for good waits before a new one replaces it: Resilience4j's
 * exponential backoff, 1s doubling to 30s while replacements keep breaking at once, back to 1s after
 * one that served longer than the cap. The wait itself is the consumer's, so that closing it ends the
 * wait at once (a Resilience4j {@code Retry} would sleep through a close).
 */
final class ReplacementBackoff {

  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);

  private final IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(FIRST, 2.0, MAX);
  private int breaksInARow;

  /** The wait before the next replacement, given how long the consumer that broke had served. */
  Duration afterBreak(Duration served) {
    // One that served a while before it broke is replaced soon; one that breaks at once, later and later.
    breaksInARow = served.compareTo(MAX) > 0 ? 1 : breaksInARow + 1;
    return Duration.ofMillis(backoff.apply(breaksInARow));
  }
}
