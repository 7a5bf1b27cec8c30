package dev.workmesh.api.claim;

import dev.workmesh.api.ApiMetrics;
import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.api.auth.Caller;
import dev.workmesh.api.auth.ForbiddenException;
import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.api.web.Views;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimTokenRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.ClaimsResponse;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.core.ConflictException;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.AttemptReports.HeartbeatAck;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.task.AttemptOutcome;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Claims and the reports on them. An agent claims only as itself and reports only on its own claims;
 * every report carries the claim token, which fences it against stale holders.
 */
@RestController
class ClaimController {

  static final int MAX_TASKS = 100;
  /** Even without a wake-up, a long poll looks again this often (a backstop, not a tight loop). */
  private static final Duration BACKSTOP = Duration.ofSeconds(5);

  private final MeshCore core;
  private final ReadySignal ready;
  private final ApiMetrics metrics;
  private final Duration maxWait;

  ClaimController(MeshCore core, ReadySignal ready, ApiMetrics metrics, MeshApiProperties properties) {
    this.core = core;
    this.ready = ready;
    this.metrics = metrics;
    this.maxWait = properties.maxClaimWait();
  }

  @PostMapping("/work/claims")
  ClaimsResponse claim(@RequestBody(required = false) ClaimRequest request, HttpServletRequest http)
      throws InterruptedException {
    ClaimRequest r = request == null ? new ClaimRequest(null, null, null, null) : request;
    UUID agentId = actingAgent(BearerAuthFilter.caller(http), r.agentId());
    int maxTasks = r.maxTasks() == null ? 1 : r.maxTasks();
    if (maxTasks < 1 || maxTasks > MAX_TASKS) {
      throw ValidationException.of("max_tasks", "must be between 1 and " + MAX_TASKS);
    }
    int waitSeconds = r.waitSeconds() == null ? 0 : r.waitSeconds();
    if (waitSeconds < 0 || waitSeconds > maxWait.toSeconds()) {
      throw ValidationException.of("wait_seconds", "must be between 0 and " + maxWait.toSeconds());
    }
    if (r.missionId() != null) {
      core.missions().get(r.missionId());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    while (true) {
      long seen = ready.generation();
      List<Claim> claims = timedClaim(agentId, r.missionId(), maxTasks);
      long left = deadline - System.nanoTime();
      if (!claims.isEmpty() || left <= 0) {
        return new ClaimsResponse(claims.stream().map(Views::claim).toList());
      }
      ready.awaitAfter(seen, Duration.ofNanos(Math.min(left, BACKSTOP.toNanos())));
    }
  }

  /** Claims this task (a worker reacting to a dispatch record): 200 with the claim, or 409. */
  @PostMapping("/work/tasks/{id}/claim")
  ClaimView claimTask(@PathVariable UUID id, @RequestBody(required = false) ClaimRequest request,
      HttpServletRequest http) {
    UUID agentId = actingAgent(BearerAuthFilter.caller(http), request == null ? null : request.agentId());
    long start = System.nanoTime();
    Claim claim = core.claims().claimTask(agentId, id).orElseThrow(() -> {
      core.tasks().get(id); // a task that does not exist is a 404, not a conflict
      return new ConflictException("task " + id + " is not claimable by agent " + agentId + ": another agent holds"
          + " it, it is not ready, or this agent is not eligible (pool, capabilities, runtime, assignment,"
          + " max_concurrency)");
    });
    metrics.claimTook(Duration.ofNanos(System.nanoTime() - start));
    metrics.claimed(claim.task().claimPolicy().wire());
    return Views.claim(claim);
  }

  @PostMapping("/work/tasks/{id}/heartbeat")
  HeartbeatResponse heartbeat(@PathVariable UUID id, @RequestBody(required = false) ClaimTokenRequest body,
      HttpServletRequest http) {
    HeartbeatAck ack = core.reports().heartbeat(id, token(body == null ? null : body.claimToken()),
        BearerAuthFilter.caller(http).agentId());
    return new HeartbeatResponse(ack.attemptId(), ack.leaseExpiresAt(), ack.cancelRequested());
  }

  @PostMapping("/work/tasks/{id}/complete")
  TaskView complete(@PathVariable UUID id, @RequestBody(required = false) CompleteRequest body,
      HttpServletRequest http) {
    if (body == null) {
      throw ValidationException.of("claim_token", "is required: the token returned by the claim");
    }
    core.reports().complete(id, token(body.claimToken()), BearerAuthFilter.caller(http).agentId(),
        new Completion(body.result(), body.exitCode(), body.logTail()));
    TaskView task = Views.task(core.tasks().get(id));
    metrics.reported(task.claimPolicy(), "succeeded");
    return task;
  }

  @PostMapping("/work/tasks/{id}/fail")
  TaskView fail(@PathVariable UUID id, @RequestBody(required = false) FailRequest body, HttpServletRequest http) {
    if (body == null) {
      throw ValidationException.of("claim_token", "is required: the token returned by the claim");
    }
    AttemptOutcome outcome = outcome(body.outcome());
    core.reports().fail(id, token(body.claimToken()), BearerAuthFilter.caller(http).agentId(),
        new Failure(outcome, body.error(), body.retryable() == null || body.retryable(), body.exitCode(),
            body.logTail()));
    TaskView task = Views.task(core.tasks().get(id));
    metrics.reported(task.claimPolicy(), outcome.wire());
    return task;
  }

  @PostMapping("/work/tasks/{id}/release")
  TaskView release(@PathVariable UUID id, @RequestBody(required = false) ClaimTokenRequest body,
      HttpServletRequest http) {
    core.reports().release(id, token(body == null ? null : body.claimToken()),
        BearerAuthFilter.caller(http).agentId());
    return Views.task(core.tasks().get(id));
  }

  private List<Claim> timedClaim(UUID agentId, UUID missionId, int maxTasks) {
    long start = System.nanoTime();
    List<Claim> claims = core.claims().claimNext(agentId, missionId, maxTasks);
    metrics.claimTook(Duration.ofNanos(System.nanoTime() - start));
    claims.forEach(c -> metrics.claimed(c.task().claimPolicy().wire()));
    return claims;
  }

  /** An agent acts as itself; the operator must say which agent it claims for. */
  private UUID actingAgent(Caller caller, UUID requested) {
    if (caller.isOperator()) {
      if (requested == null) {
        throw ValidationException.of("agent_id", "is required when the operator claims: the agent to claim for");
      }
      core.agents().get(requested);
      return requested;
    }
    if (requested != null && !requested.equals(caller.agentId())) {
      throw new ForbiddenException("an agent claims only as itself: this token belongs to agent " + caller.agentId()
          + ", not " + requested);
    }
    return caller.agentId();
  }

  private static String token(String claimToken) {
    if (claimToken == null || claimToken.isBlank()) {
      throw ValidationException.of("claim_token", "is required: the token returned by the claim");
    }
    if (claimToken.length() > 200) {
      throw ValidationException.of("claim_token", "is not a claim token (too long)");
    }
    return claimToken;
  }

  private static AttemptOutcome outcome(String outcome) {
    if (outcome == null) {
      return AttemptOutcome.FAILED;
    }
    return switch (outcome.strip().toLowerCase(Locale.ROOT)) {
      case "failed" -> AttemptOutcome.FAILED;
      case "timed_out" -> AttemptOutcome.TIMED_OUT;
      case "cancelled" -> AttemptOutcome.CANCELLED;
      default -> throw ValidationException.of("outcome", "must be failed, timed_out or cancelled");
    };
  }
}
