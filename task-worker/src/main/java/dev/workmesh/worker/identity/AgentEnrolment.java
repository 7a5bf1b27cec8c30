package dev.workmesh.worker.identity;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.worker.config.TaskWorkerProperties;
import dev.workmesh.worker.dispatch.Slots;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds this worker's identity, in this order: {@code task-worker.agent-id} and {@code agent-token}
 * from the configuration; else {@code <data-dir>/identity.json} from an earlier start; else a new
 * enrolment ({@code POST /work/agents}) with {@code task-worker.enrolment-token}, whose answer is
 * stored in that file. The identity is then checked with an agent heartbeat, so a revoked agent stops
 * the worker at start-up with instructions instead of failing every claim.
 *
 * <p>An unreachable or overloaded API (no connection, 5xx, 429) surfaces as the client's exception; the
 * caller retries.
 */
public final class AgentEnrolment {

  private static final Logger log = LoggerFactory.getLogger(AgentEnrolment.class);

  private final TaskWorkerProperties properties;
  private final IdentityStore store;
  private final Function<String, MeshClient> clientForToken;
  private volatile int maxConcurrency;

  public AgentEnrolment(TaskWorkerProperties properties, IdentityStore store, Function<String, MeshClient> clientForToken) {
    this.properties = properties;
    this.store = store;
    this.clientForToken = clientForToken;
  }

  /**
   * The identity to work as, enrolling if needed and verified with the API.
   *
   * @param runtimes the runtimes this node can run now, advertised at enrolment
   * @throws IdentityRejectedException when the API refuses the identity or no identity can be had
   */
  public AgentIdentity resolve(List<String> runtimes) {
    AgentIdentity identity;
    String source;
    if (properties.agentId() != null) {
      identity = new AgentIdentity(properties.agentId(), properties.agentToken(), properties.nodeName(), properties.apiBaseUrl(), null);
      source = "configuration (task-worker.agent-id)";
    } else {
      var stored = store.load();
      if (stored.isPresent()) {
        identity = stored.get();
        source = store.file().toString();
        if (properties.enrolmentToken() != null) {
          log.info("Using the identity in {}; task-worker.enrolment-token is not needed any more and can be removed", store.file());
        }
        if (identity.apiUrl() != null && !identity.apiUrl().equals(properties.apiBaseUrl())) {
          log.warn("The identity in {} was enrolled with {}, but task-worker.api-url is {}", store.file(), identity.apiUrl(), properties.apiBaseUrl());
        }
      } else {
        identity = enrol(runtimes);
        source = store.file().toString();
      }
    }
    verify(identity, source);
    return identity;
  }

  private AgentIdentity enrol(List<String> runtimes) {
    if (properties.enrolmentToken() == null) {
      throw new IdentityRejectedException(
          "this worker has no identity yet: there is no " + store.file() + " and no task-worker.agent-id. Set"
              + " task-worker.enrolment-token (TASK_WORKER_ENROLMENT_TOKEN) to the mesh's operator token for the first"
              + " start; the worker enrols, keeps its own agent token in that file and no longer needs the operator token.",
          null);
    }
    AgentRequest request =
        new AgentRequest(
            properties.nodeName(), properties.pools(), properties.capabilities(), runtimes,
            Slots.agentMaxConcurrency(properties.maxConcurrentSubagents()), properties.labels());
    EnrolledAgent enrolled;
    try {
      enrolled = clientForToken.apply(properties.enrolmentToken()).enrol(request);
    } catch (MeshApiException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new IdentityRejectedException(
            "mesh-api at " + properties.apiBaseUrl() + " refused to enrol this node (" + e.getMessage() + "):"
                + " task-worker.enrolment-token must be the mesh's operator token (mesh-api.operator-token)", e);
      }
      if (e.status() >= 400 && e.status() < 500 && !GuardedMeshClient.isUnavailable(e)) {
        throw new IdentityRejectedException(
            "mesh-api refused the enrolment of this node: " + e.getMessage() + "; check task-worker.node-name, pools,"
                + " capabilities and labels", e);
      }
      throw e;
    }
    AgentIdentity identity =
        new AgentIdentity(enrolled.agent().id(), enrolled.token(), enrolled.agent().name(), properties.apiBaseUrl(), Instant.now());
    store.save(identity);
    log.info(
        "Enrolled as agent {} ('{}') with pools {}, capabilities {}, runtimes {}, max concurrency {}; identity kept in {}",
        identity.agentId(), identity.name(), properties.pools(), properties.capabilities(), runtimes,
        enrolled.agent().maxConcurrency(), store.file());
    return identity;
  }

  private void verify(AgentIdentity identity, String source) {
    try {
      maxConcurrency = clientForToken.apply(identity.agentToken()).agentHeartbeat(identity.agentId()).maxConcurrency();
      log.info("Working as agent {} ('{}'), identity from {}", identity.agentId(), identity.name(), source);
    } catch (MeshApiException e) {
      if (e.status() >= 400 && e.status() < 500 && !GuardedMeshClient.isUnavailable(e)) {
        throw rejected(identity, source, e);
      }
      throw e;
    }
  }

  /** The agent's max_concurrency as mesh-api answered when the identity was verified; 0 before. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** The message for an identity the API no longer accepts, saying what the operator does next. */
  public IdentityRejectedException rejected(AgentIdentity identity, String source, MeshApiException cause) {
    String fix =
        properties.agentId() != null
            ? "replace task-worker.agent-id and task-worker.agent-token with a valid identity, or remove both and set"
                + " task-worker.enrolment-token to enrol a new agent"
            : "stop the worker, delete " + store.file() + ", set task-worker.enrolment-token to the operator token and"
                + " start it again to enrol this node as a new agent";
    return new IdentityRejectedException(
        "mesh-api at %s refused agent %s (HTTP %d, identity from %s): the agent was revoked or its token is not valid for this mesh. To fix: %s."
            .formatted(properties.apiBaseUrl(), identity.agentId(), cause.status(), source, fix),
        cause);
  }

  /** Where the identity in use came from, for messages. */
  public String sourceOf(AgentIdentity identity) {
    return properties.agentId() != null ? "configuration (task-worker.agent-id)" : store.file().toString();
  }
}
