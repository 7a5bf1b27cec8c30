package dev.workmesh.worker.mesh;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsResponse;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.ResourceAccessException;

/**
 * The worker's calls to mesh-api. Claims and reports go through a retry (3 tries, exponential
 * backoff with jitter from 200ms) inside a circuit breaker that opens when half of the last 10
 * calls could not reach the API, and lets 2 probes through after 5s. Only "unavailable" counts:
 * no connection, a timeout, 5xx or 429; a 4xx is an answer, not an outage.
 *
 * <p>Heartbeats go straight to the API, neither retried nor held back by an open breaker: they are
 * periodic anyway, and a lease must be renewed the moment the API is back.
 *
 * <p>Given several mesh-api replicas, it uses one at a time and fails over to the next when a call
 * finds the current one unavailable; the retry (and, for a heartbeat, one more try per replica) then
 * goes to the next one. There is no failing back: any healthy replica will do.
 *
 * <p>Every failure that could not reach a decision becomes {@link MeshUnavailableException}; a 401
 * (this agent's token was revoked) is also handed to the {@code onUnauthorized} listener.
 */
public final class GuardedMeshClient {

  private static final Logger log = LoggerFactory.getLogger(GuardedMeshClient.class);

  private final List<String> urls;
  private final List<MeshClient> clients;
  private final AtomicInteger current = new AtomicInteger();
  private final CircuitBreaker breaker;
  private final Retry retry;
  private final Consumer<MeshApiException> onUnauthorized;

  public GuardedMeshClient(MeshClient client, MeterRegistry metrics, Consumer<MeshApiException> onUnauthorized) {
    this(List.of("mesh-api"), url -> client, metrics, onUnauthorized);
  }

  /**
   * @param urls the base URLs of the mesh-api replicas, in order of preference
   * @param clientFor the client of one replica
   */
  public GuardedMeshClient(
      List<String> urls, Function<String, MeshClient> clientFor, MeterRegistry metrics, Consumer<MeshApiException> onUnauthorized) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one mesh-api URL is needed");
    }
    this.urls = List.copyOf(urls);
    this.clients = this.urls.stream().map(clientFor).toList();
    this.onUnauthorized = onUnauthorized;
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(GuardedMeshClient::isUnavailable)
                .build());
    RetryRegistry retries =
        RetryRegistry.of(
            RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5))
                .retryOnException(GuardedMeshClient::isUnavailable)
                .build());
    this.breaker = breakers.circuitBreaker("mesh-api");
    this.retry = retries.retry("mesh-api");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(metrics);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(metrics);
  }

  /** False while the circuit breaker is open: claiming now would only fail. */
  public boolean available() {
    return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
  }

  /** Claims this task; empty when it is no longer claimable by this agent (409, 404). */
  public Optional<ClaimView> claimTask(UUID taskId) {
    return guarded("claim task " + taskId, c -> c.claimTask(taskId));
  }

  /** Claims up to {@code maxTasks} of the best eligible tasks, without waiting. */
  public List<ClaimView> claim(int maxTasks) {
    return guarded("claim tasks", c -> c.claim(new ClaimRequest(null, null, maxTasks, 0)));
  }

  /** Claims, in one request, those of these tasks this agent can still claim. */
  public List<ClaimView> claimTasks(List<UUID> taskIds) {
    return guarded("claim " + taskIds.size() + " task(s)", c -> c.claimTasks(taskIds));
  }

  /** Reports on several claims in one request; each report is accepted or refused on its own. */
  public List<ReportsResponse.Result> report(List<ReportRequest> reports) {
    return guarded("report " + reports.size() + " attempt(s)", c -> c.report(reports));
  }

  /** Renews several claims' leases in one request; each claim is renewed or refused on its own. */
  public List<HeartbeatsResponse.Result> heartbeatAll(List<HeartbeatsRequest.Claim> claims) {
    return direct("heartbeat " + claims.size() + " claim(s)", c -> c.heartbeatAll(claims));
  }

  /** Reports the claim succeeded; the worker has no use for the task after it, so none is sent back. */
  public void complete(UUID taskId, CompleteRequest report) {
    guarded("complete task " + taskId, c -> {
      c.completeMinimal(taskId, report);
      return null;
    });
  }

  /** Reports the claim failed; no task is sent back. */
  public void fail(UUID taskId, FailRequest report) {
    guarded("fail task " + taskId, c -> {
      c.failMinimal(taskId, report);
      return null;
    });
  }

  /** Gives the claim back; no task is sent back. */
  public void release(UUID taskId, String claimToken, String reason) {
    guarded("release task " + taskId, c -> {
      c.releaseMinimal(taskId, claimToken, reason);
      return null;
    });
  }

  public HeartbeatResponse heartbeat(UUID taskId, String claimToken) {
    return heartbeat(taskId, claimToken, null);
  }

  /** A heartbeat that ships the attempt's recent output ({@code logTail}; null: none new). */
  public HeartbeatResponse heartbeat(UUID taskId, String claimToken, String logTail) {
    return direct("heartbeat task " + taskId, c -> c.heartbeat(taskId, claimToken, logTail));
  }

  public AgentView agentHeartbeat(UUID agentId) {
    return direct("heartbeat agent " + agentId, c -> c.agentHeartbeat(agentId));
  }

  /**
   * Those of this agent's pools with stranded tasks, waiting up to {@code waitSeconds} for one: straight to
   * the API, neither retried nor counted by the breaker (a wait that times out is no outage).
   */
  public List<String> strandedPools(int waitSeconds) {
    return direct("ask for stranded tasks", c -> c.strandedPools(waitSeconds)).pools();
  }

  /** No connection, a timeout, a 5xx or a 429: the API may answer later. */
  public static boolean isUnavailable(Throwable e) {
    if (e instanceof ResourceAccessException) {
      return true;
    }
    return e instanceof MeshApiException api && (api.status() >= 500 || api.status() == 429);
  }

  /** The base URL of the replica in use. */
  public String currentUrl() {
    return urls.get(current.get());
  }

  private <T> T onCurrent(Function<MeshClient, T> call) {
    int index = current.get();
    try {
      return call.apply(clients.get(index));
    } catch (RuntimeException e) {
      if (clients.size() > 1 && isUnavailable(e)) {
        int next = (index + 1) % clients.size();
        if (current.compareAndSet(index, next)) {
          log.warn("mesh-api at {} is unavailable ({}); failing over to {}", urls.get(index), e.getMessage(), urls.get(next));
        }
      }
      throw e;
    }
  }

  private <T> T guarded(String what, Function<MeshClient, T> call) {
    try {
      return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, () -> onCurrent(call))).get();
    } catch (CallNotPermittedException e) {
      throw new MeshUnavailableException("mesh-api is unavailable (circuit breaker open); did not " + what, e);
    } catch (RuntimeException e) {
      throw translate(what, e);
    }
  }

  private <T> T direct(String what, Function<MeshClient, T> call) {
    for (int tried = 1; ; tried++) {
      try {
        return onCurrent(call);
      } catch (RuntimeException e) {
        if (tried < clients.size() && isUnavailable(e)) {
          continue; // onCurrent moved on to the next replica
        }
        throw translate(what, e);
      }
    }
  }

  private RuntimeException translate(String what, RuntimeException e) {
    if (isUnavailable(e)) {
      return new MeshUnavailableException("mesh-api is unavailable, could not " + what + ": " + e.getMessage(), e);
    }
    if (e instanceof MeshApiException api && api.status() == 401) {
      onUnauthorized.accept(api);
    }
    return e;
  }
}
