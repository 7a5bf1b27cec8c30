package dev.workmesh.worker.identity;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the identity at start-up, waiting while mesh-api cannot be reached (no connection, a
 * timeout, 5xx or 429): a Resilience4j retry without an attempt limit, 1s doubling to 30s between
 * tries, until it succeeds, an answer ends it (any other 4xx, a refused identity) or the worker stops.
 * It tries the replicas in turn: each attempt that could not reach one moves to the next.
 */
public final class EnrolmentRetry {

  private static final Logger log = LoggerFactory.getLogger(EnrolmentRetry.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final List<String> apiUrls;
  private final Duration apiTimeout;
  private final IntervalFunction backoff;
  /** Which of several mesh-api URLs enrolment tries next (only the start thread changes it). */
  private volatile int startupReplica;

  public EnrolmentRetry(List<String> apiUrls, Duration apiTimeout) {
    this(apiUrls, apiTimeout, FIRST_BACKOFF, MAX_BACKOFF);
  }

  EnrolmentRetry(List<String> apiUrls, Duration apiTimeout, Duration firstBackoff, Duration maxBackoff) {
    this.apiUrls = List.copyOf(apiUrls);
    this.apiTimeout = apiTimeout;
    this.backoff = IntervalFunction.ofExponentialBackoff(firstBackoff, 2.0, maxBackoff);
  }

  /** A client of the replica enrolment uses now: the next one after each attempt that could not reach one. */
  public MeshClient client(String token) {
    return new MeshClient(currentUrl(), token, apiTimeout);
  }

  /** The base URL of the replica the next attempt goes to. */
  public String currentUrl() {
    return apiUrls.get(startupReplica % apiUrls.size());
  }

  /** How long the retry waits after the {@code attempt}th failure (1 for the first). */
  Duration backoffAfter(int attempt) {
    return Duration.ofMillis(backoff.apply(attempt));
  }

  /**
   * Resolves the identity, trying again while mesh-api cannot be reached.
   *
   * @param stopped checked before each retry; the wait itself ends when the thread is interrupted
   * @return the identity; empty when the worker was stopped meanwhile
   */
  public Optional<AgentIdentity> untilReachable(Supplier<AgentIdentity> resolve, BooleanSupplier stopped) {
    if (stopped.getAsBoolean()) {
      return Optional.empty();
    }
    Retry retry =
        Retry.of("enrolment", RetryConfig.<AgentIdentity>custom()
            .maxAttempts(Integer.MAX_VALUE)
            .intervalFunction(backoff)
            .retryOnException(e -> !stopped.getAsBoolean() && unreachable(e))
            .build());
    retry.getEventPublisher().onRetry(event -> {
      Duration wait = event.getWaitInterval();
      if (event.getLastThrowable() instanceof MeshApiException e) {
        log.warn("mesh-api at {} answered {} at start-up; trying again in {}", currentUrl(), e.getMessage(), wait);
      } else {
        log.warn("mesh-api at {} is not reachable yet ({}); trying again in {}", currentUrl(),
            event.getLastThrowable().getMessage(), wait);
      }
      startupReplica++;
    });
    try {
      return Optional.of(retry.executeSupplier(resolve));
    } catch (RuntimeException e) {
      if (stopped.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static boolean unreachable(Throwable e) {
    return e instanceof MeshUnavailableException || GuardedMeshClient.isUnavailable(e);
  }
}
