package dev.workmesh.worker.identity;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.ResourceAccessException;

/**
 * Resolves the identity at start-up, waiting with backoff while mesh-api cannot be reached, and trying
 * the replicas in turn: each attempt that could not reach one moves to the next.
 */
public final class EnrolmentRetry {

  private static final Logger log = LoggerFactory.getLogger(EnrolmentRetry.class);
  private static final Duration MAX_STARTUP_BACKOFF = Duration.ofSeconds(30);

  private final List<String> apiUrls;
  private final Duration apiTimeout;
  /** Which of several mesh-api URLs enrolment tries next (only the start thread changes it). */
  private volatile int startupReplica;

  public EnrolmentRetry(List<String> apiUrls, Duration apiTimeout) {
    this.apiUrls = List.copyOf(apiUrls);
    this.apiTimeout = apiTimeout;
  }

  /** A client of the replica enrolment uses now: the next one after each attempt that could not reach one. */
  public MeshClient client(String token) {
    return new MeshClient(currentUrl(), token, apiTimeout);
  }

  /** Resolves the identity, waiting with backoff while mesh-api cannot be reached. Empty when stopped meanwhile. */
  public Optional<AgentIdentity> untilReachable(Supplier<AgentIdentity> resolve, BooleanSupplier stopped) {
    Duration backoff = Duration.ofSeconds(1);
    while (!stopped.getAsBoolean()) {
      try {
        return Optional.of(resolve.get());
      } catch (ResourceAccessException | MeshUnavailableException e) {
        log.warn("mesh-api at {} is not reachable yet ({}); trying again in {}", currentUrl(), e.getMessage(), backoff);
        startupReplica++;
      } catch (MeshApiException e) {
        if (e.status() < 500 && e.status() != 429) {
          throw e;
        }
        log.warn("mesh-api at {} answered {} at start-up; trying again in {}", currentUrl(), e.getMessage(), backoff);
        startupReplica++;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return Optional.empty();
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_STARTUP_BACKOFF) > 0 ? MAX_STARTUP_BACKOFF : backoff.multipliedBy(2);
    }
    return Optional.empty();
  }

  private String currentUrl() {
    return apiUrls.get(startupReplica % apiUrls.size());
  }
}
