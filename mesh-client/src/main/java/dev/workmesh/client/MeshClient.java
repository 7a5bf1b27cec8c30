package dev.workmesh.client;

import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.StrandedPoolsResponse;
import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.ClaimsResponse;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.HeartbeatRequest;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.client.model.HeldClaim;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.client.model.MissionRequest;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.Problem;
import dev.workmesh.client.model.QueueHistoryView;
import dev.workmesh.client.model.ReleaseRequest;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsRequest;
import dev.workmesh.client.model.ReportsResponse;
import dev.workmesh.client.model.TaskLog;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriBuilder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * A typed client of mesh-api's {@code /work} REST API. Every call carries the bearer token it was built
 * with; errors become {@link MeshApiException} with the server's problem details. Thread-safe.
 */
public final class MeshClient {

  /** The JSON dialect of the API: snake_case, ISO-8601 instants, new fields tolerated. */
  public static final JsonMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** A submitted task and whether it was an idempotent replay (HTTP 200 rather than 201). */
  public record Submitted(TaskView task, boolean replay) {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final RestClient http;

  /**
   * @param baseUrl e.g. {@code http://localhost:8080}
   * @param token an agent token or the operator token
   * @param readTimeout must exceed the longest long-poll you make (wait_seconds up to 60)
   */
  public MeshClient(String baseUrl, String token, Duration readTimeout) {
    this(baseUrl, token, jdkHttpClient(baseUrl, readTimeout));
  }

  public MeshClient(String baseUrl, String token) {
    this(baseUrl, token, Duration.ofSeconds(75));
  }

  private MeshClient(String baseUrl, String token, ClientHttpRequestFactory transport) {
    this.http = RestClient.builder()
        .baseUrl(baseUrl)
        .requestFactory(transport)
        .defaultHeader("Authorization", "Bearer " + token)
        .configureMessageConverters(c -> c.withJsonConverter(new JacksonJsonHttpMessageConverter(JSON)))
        .defaultStatusHandler(HttpStatusCode::isError, MeshClient::raise)
        .build();
  }

  /**
   * A client for a process that makes a call or two and exits, such as a command line: a plain
   * {@code http://} mesh is called over the JDK's {@link java.net.HttpURLConnection}, which, unlike its
   * {@link HttpClient}, sets up no TLS context (reading the trust store alone is a good part of such a
   * process's CPU); an {@code https://} one as {@link #MeshClient(String, String)} does. Timeouts, token and
   * errors are those of the other constructors; each request of a process waits in its own thread.
   */
  public static MeshClient shortLived(String baseUrl, String token) {
    Duration readTimeout = Duration.ofSeconds(75);
    if (!baseUrl.regionMatches(true, 0, "http://", 0, "http://".length())) {
      return new MeshClient(baseUrl, token, readTimeout);
    }
    SimpleClientHttpRequestFactory plain = new SimpleClientHttpRequestFactory();
    plain.setConnectTimeout(CONNECT_TIMEOUT);
    plain.setReadTimeout(readTimeout);
    return new MeshClient(baseUrl, token, plain);
  }

  private static ClientHttpRequestFactory jdkHttpClient(String baseUrl, Duration readTimeout) {
    // Calls go through BlockingSendHttpClient: the JDK's own sendAsync, which Spring calls, completes every
    // response on the common fork-join pool (a single worker on a two-core machine), so one task blocked there
    // would stall every call in the JVM. The executor runs the client's own steps of an exchange.
    // Over cleartext the JDK client would offer an upgrade to HTTP/2 (h2c) in every request's headers, which
    // mesh-api never accepts; over TLS it negotiates HTTP/2 where the server offers it.
    HttpClient jdk = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
        .version(baseUrl.regionMatches(true, 0, "http:", 0, 5) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(new BlockingSendHttpClient(jdk));
    factory.setReadTimeout(readTimeout);
    return factory;
  }

  private static void raise(org.springframework.http.HttpRequest request, ClientHttpResponse response)
      throws IOException {
    byte[] body = response.getBody().readAllBytes();
    Problem problem;
    try {
      problem = JSON.readValue(body, Problem.class);
    } catch (RuntimeException e) {
      problem = new Problem("about:blank", response.getStatusText(), response.getStatusCode().value(),
          new String(body, java.nio.charset.StandardCharsets.UTF_8), request.getURI().getPath(), List.of());
    }
    throw new MeshApiException(response.getStatusCode().value(), problem);
  }

  // --- missions -----------------------------------------------------------------------------------------

  public MissionView createMission(String name, String description) {
    return createMission(name, description, null);
  }

  /** Creates a mission whose attempts may spend at most {@code budget} (null: no limit). */
  public MissionView createMission(String name, String description, Budget budget) {
    return post("/work/missions", new MissionRequest(name, description, budget), MissionView.class);
  }

  /** Replaces a mission's budget (null: no limit). Operator only. */
  public MissionView setMissionBudget(UUID id, Budget budget) {
    return http.put().uri("/work/missions/{id}/budget", id).contentType(MediaType.APPLICATION_JSON)
        .body(budget == null ? new Budget(null, null) : budget).retrieve().body(MissionView.class);
  }

  public MissionView mission(UUID id) {
    return http.get().uri("/work/missions/{id}", id).retrieve().body(MissionView.class);
  }

  public Page<MissionView> missions(String cursor, int limit) {
    return http.get().uri(u -> page(u.path("/work/missions"), cursor, limit).build()).retrieve()
        .body(new ParameterizedTypeReference<Page<MissionView>>() {});
  }

  // --- tasks --------------------------------------------------------------------------------------------

  public Submitted submit(UUID missionId, TaskRequest task) {
    var entity = http.post().uri("/work/missions/{id}/tasks", missionId).contentType(MediaType.APPLICATION_JSON)
        .body(task).retrieve().toEntity(TaskView.class);
    return new Submitted(entity.getBody(), entity.getStatusCode().value() == 200);
  }

  /** Submits a batch in one transaction: all or none. */
  public List<TaskView> submitAll(UUID missionId, List<TaskRequest> tasks) {
    return http.post().uri("/work/missions/{id}/tasks", missionId).contentType(MediaType.APPLICATION_JSON)
        .body(tasks).retrieve().body(new ParameterizedTypeReference<List<TaskView>>() {});
  }

  public Page<TaskView> tasks(UUID missionId, String status, String cursor, int limit) {
    return http.get().uri(u -> {
      UriBuilder b = page(u.path("/work/missions/{id}/tasks"), cursor, limit);
      if (status != null) {
        b.queryParam("status", status);
      }
      return b.build(missionId);
    }).retrieve().body(new ParameterizedTypeReference<Page<TaskView>>() {});
  }

  public TaskView task(UUID id) {
    return http.get().uri("/work/tasks/{id}", id).retrieve().body(TaskView.class);
  }

  /** The output of the task's latest attempt: live while it runs (renewed by its heartbeats), final after. */
  public TaskLog taskLog(UUID id) {
    return http.get().uri("/work/tasks/{id}/log", id).retrieve().body(TaskLog.class);
  }

  /** The claims agents hold now, of one agent or of all when {@code agentId} is null. */
  public List<HeldClaim> heldClaims(UUID agentId) {
    return http.get().uri(u -> {
      u.path("/work/claims");
      if (agentId != null) {
        u.queryParam("agent_id", agentId);
      }
      return u.build();
    }).retrieve().body(new ParameterizedTypeReference<List<HeldClaim>>() {});
  }

  /**
   * Those of the caller's pools with stranded tasks (ready, their dispatch record older than mesh-api's
   * {@code mesh-api.long-poll.stranded-after}), waiting up to {@code waitSeconds} for one to be found.
   */
  public StrandedPoolsResponse strandedPools(int waitSeconds) {
    return http.get().uri(u -> u.path("/work/pools/stranded").queryParam("wait_seconds", waitSeconds).build())
        .retrieve().body(StrandedPoolsResponse.class);
  }

  /** Each pool's queue depth and oldest ready age over the last hour. */
  public QueueHistoryView queueHistory() {
    return http.get().uri("/work/pools/queue-history").retrieve().body(QueueHistoryView.class);
  }

  public TaskView retry(UUID taskId) {
    return post("/work/tasks/" + taskId + "/retry", null, TaskView.class);
  }

  public TaskView cancel(UUID taskId) {
    return post("/work/tasks/" + taskId + "/cancel", null, TaskView.class);
  }

  // --- claims and reports ---------------------------------------------------------------------------

  /** Claims the best eligible task(s); with {@code waitSeconds > 0} waits up to that long for one. */
  public List<ClaimView> claim(ClaimRequest request) {
    return claims(request).claims();
  }

  /** {@link #claim}, with the reason an empty answer gives when the reason is the claimer. */
  public ClaimsResponse claims(ClaimRequest request) {
    return post("/work/claims", request, ClaimsResponse.class);
  }

  /** Claims this task if it is still claimable by the caller; empty when someone else has it. */
  public Optional<ClaimView> claimTask(UUID taskId) {
    try {
      return Optional.ofNullable(post("/work/tasks/" + taskId + "/claim", null, ClaimView.class));
    } catch (MeshApiException e) {
      if (e.status() == 409 || e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Claims, in one request, those of these tasks (up to 100) the caller can still claim. */
  public List<ClaimView> claimTasks(List<UUID> taskIds) {
    return claim(ClaimRequest.theseTasks(taskIds));
  }

  /**
   * Reports on up to 100 claims in one request and one transaction; each report is fenced by its own
   * claim token and accepted or refused on its own.
   */
  public List<ReportsResponse.Result> report(List<ReportRequest> reports) {
    return post("/work/reports", new ReportsRequest(reports), ReportsResponse.class).results();
  }

  /**
   * Renews the leases of up to 100 claims in one request; each claim is fenced by its own token and
   * answered on its own (a stale token is refused for that claim only).
   */
  public List<HeartbeatsResponse.Result> heartbeatAll(List<HeartbeatsRequest.Claim> claims) {
    return post("/work/heartbeats", new HeartbeatsRequest(claims), HeartbeatsResponse.class).results();
  }

  public HeartbeatResponse heartbeat(UUID taskId, String claimToken) {
    return heartbeat(taskId, claimToken, null);
  }

  /** Renews the lease and stores the end of the attempt's output so far ({@code logTail}; null: unchanged). */
  public HeartbeatResponse heartbeat(UUID taskId, String claimToken, String logTail) {
    return post("/work/tasks/" + taskId + "/heartbeat", new HeartbeatRequest(claimToken, logTail),
        HeartbeatResponse.class);
  }

  public TaskView complete(UUID taskId, CompleteRequest report) {
    return post("/work/tasks/" + taskId + "/complete", report, TaskView.class);
  }

  /** {@link #complete}, without the task back ({@code Prefer: return=minimal}): for a caller with no use for it. */
  public void completeMinimal(UUID taskId, CompleteRequest report) {
    postMinimal("/work/tasks/" + taskId + "/complete", report);
  }

  public TaskView fail(UUID taskId, FailRequest report) {
    return post("/work/tasks/" + taskId + "/fail", report, TaskView.class);
  }

  /** {@link #fail}, without the task back ({@code Prefer: return=minimal}). */
  public void failMinimal(UUID taskId, FailRequest report) {
    postMinimal("/work/tasks/" + taskId + "/fail", report);
  }

  public TaskView release(UUID taskId, String claimToken) {
    return release(taskId, claimToken, null);
  }

  /** Gives the claim back; the reason is kept on the released attempt. */
  public TaskView release(UUID taskId, String claimToken, String reason) {
    return post("/work/tasks/" + taskId + "/release", new ReleaseRequest(claimToken, reason), TaskView.class);
  }

  /** {@link #release}, without the task back ({@code Prefer: return=minimal}). */
  public void releaseMinimal(UUID taskId, String claimToken, String reason) {
    postMinimal("/work/tasks/" + taskId + "/release", new ReleaseRequest(claimToken, reason));
  }

  // --- agents -------------------------------------------------------------------------------------------

  public EnrolledAgent enrol(AgentRequest request) {
    return post("/work/agents", request, EnrolledAgent.class);
  }

  public List<AgentView> agents() {
    return http.get().uri("/work/agents").retrieve().body(new ParameterizedTypeReference<List<AgentView>>() {});
  }

  public AgentView agentHeartbeat(UUID agentId) {
    return post("/work/agents/" + agentId + "/heartbeat", null, AgentView.class);
  }

  public void revoke(UUID agentId) {
    http.delete().uri("/work/agents/{id}", agentId).retrieve().toBodilessEntity();
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private <T> T post(String path, Object body, Class<T> type) {
    var spec = http.post().uri(URI.create(path).getPath());
    if (body != null) {
      spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
    }
    return spec.retrieve().body(type);
  }

  /** A POST answered 204 with no body, as {@code Prefer: return=minimal} asks. */
  private void postMinimal(String path, Object body) {
    http.post().uri(URI.create(path).getPath()).header("Prefer", "return=minimal")
        .contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toBodilessEntity();
  }

  private static UriBuilder page(UriBuilder builder, String cursor, int limit) {
    if (cursor != null) {
      builder.queryParam("cursor", cursor);
    }
    return builder.queryParam("limit", limit);
  }
}
