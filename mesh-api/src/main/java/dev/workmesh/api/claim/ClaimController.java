package dev.workmesh.api.claim;

import dev.workmesh.api.ApiMetrics;
import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.api.auth.Caller;
import dev.workmesh.web.ForbiddenException;
import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.api.web.MinimalAnswers;
import dev.workmesh.api.web.Views;
import dev.workmesh.client.model.ClaimRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.ClaimsResponse;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EmptyClaimReason;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.HeartbeatRequest;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.client.model.ReleaseRequest;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsRequest;
import dev.workmesh.client.model.ReportsResponse;
import dev.workmesh.client.model.StrandedPoolsResponse;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import dev.workmesh.core.ConflictException;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.AttemptReports;
import dev.workmesh.core.claim.AttemptReports.Completion;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.AttemptReports.HeartbeatAck;
import dev.workmesh.core.claim.AttemptReports.Report;
import dev.workmesh.core.claim.AttemptReports.Reported;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.claim.NotYourClaimException;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.usage.AttemptUsage;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Claims and the reports on them. An agent claims only as itself and reports only on its own claims;
 * every report carries the claim token, which fences it against stale holders.
 */
@RestController
class ClaimController {

  static final int MAX_TASKS = 100;
  private final MeshCore core;
  private final LongPollClaims longPolls;
  private final StrandedPools stranded;
  private final ApiMetrics metrics;
  private final Duration maxWait;

  ClaimController(MeshCore core, LongPollClaims longPolls, StrandedPools stranded, ApiMetrics metrics,
      MeshApiProperties properties) {
    this.core = core;
    this.longPolls = longPolls;
    this.stranded = stranded;
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
    if (r.taskIds() != null) {
      return new ClaimsResponse(claimThese(agentId, r).stream().map(Views::claim).toList());
    }
    if (r.missionId() != null) {
      core.missions().get(r.missionId());
    }
    if (waitSeconds == 0) {
      List<Claim> claims = metrics.timedClaims(() -> core.claims().claimNext(agentId, r.missionId(), maxTasks));
      return claims.isEmpty() ? new ClaimsResponse(List.of(), emptyClaimReason(agentId))
          : new ClaimsResponse(claims.stream().map(Views::claim).toList());
    }
    LongPollClaims.Answer answer = longPolls.claim(agentId, r.missionId(), maxTasks, Duration.ofSeconds(waitSeconds));
    if (!answer.timedOut()) {
      return new ClaimsResponse(answer.claims().stream().map(Views::claim).toList());
    }
    return new ClaimsResponse(List.of(), longPolls.whyNothing(agentId, () -> emptyClaimReason(agentId)).orElse(null));
  }

  /**
   * Those of the agent's pools with stranded tasks (see {@link StrandedPools}), waiting up to {@code
   * wait_seconds} for one: a worker with free slots waits here between its pulls and pulls when named.
   */
  @GetMapping("/work/pools/stranded")
  StrandedPoolsResponse strandedPools(@RequestParam(name = "wait_seconds", required = false) Integer waitSeconds,
      @RequestParam(name = "agent_id", required = false) UUID agentIdParam, HttpServletRequest http)
      throws InterruptedException {
    UUID agentId = actingAgent(BearerAuthFilter.caller(http), agentIdParam);
    int wait = waitSeconds == null ? 0 : waitSeconds;
    if (wait < 0 || wait > maxWait.toSeconds()) {
      throw ValidationException.of("wait_seconds", "must be between 0 and " + maxWait.toSeconds());
    }
    List<String> pools = core.agents().get(agentId).pools();
    List<String> found = wait == 0 ? stranded.now(pools) : stranded.await(pools, Duration.ofSeconds(wait));
    return new StrandedPoolsResponse(found, stranded.strandedAfter().toMillis());
  }

  /** Why the agent's claim found nothing, when the reason is the agent (one small query, on empty claims only). */
  private EmptyClaimReason emptyClaimReason(UUID agentId) {
    return core.diagnosis().whyNothingFor(agentId)
        .map(r -> new EmptyClaimReason(r.code(), r.message(), r.pools(), r.readyInPools(), r.needCapabilities(),
            r.needRuntime(), r.missingCapabilities(), r.missingRuntimes()))
        .orElse(null);
  }

  /** Those of the listed tasks still claimable by the agent (a worker reacting to a batch of records). */
  private List<Claim> claimThese(UUID agentId, ClaimRequest r) {
    if (r.taskIds().isEmpty() || r.taskIds().size() > MAX_TASKS || r.taskIds().contains(null)) {
      throw ValidationException.of("task_ids", "must list between 1 and " + MAX_TASKS + " task ids");
    }
    if (r.missionId() != null || r.maxTasks() != null || (r.waitSeconds() != null && r.waitSeconds() > 0)) {
      throw ValidationException.of("task_ids", "claims exactly the listed tasks: leave out mission_id, max_tasks"
          + " and wait_seconds");
    }
    return metrics.timedClaims(() -> core.claims().claimTasks(agentId, r.taskIds()));
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
  HeartbeatResponse heartbeat(@PathVariable UUID id, @RequestBody(required = false) HeartbeatRequest body,
      HttpServletRequest http) {
    String logTail = body == null ? null : body.logTail();
    if (logTail != null && logTail.length() > AttemptReports.MAX_LOG_TAIL) {
      throw ValidationException.of("log_tail", "must be at most " + AttemptReports.MAX_LOG_TAIL
          + " characters: send the end of the output");
    }
    HeartbeatAck ack = core.reports().heartbeat(id, token(body == null ? null : body.claimToken()),
        BearerAuthFilter.caller(http).agentId(), logTail);
    return new HeartbeatResponse(ack.attemptId(), ack.leaseExpiresAt(), ack.cancelRequested());
  }

  /** 200 with the task after the report, or 204 with no body for {@code Prefer: return=minimal}. */
  @PostMapping("/work/tasks/{id}/complete")
  ResponseEntity<TaskView> complete(@PathVariable UUID id, @RequestBody(required = false) CompleteRequest body,
      @RequestHeader(name = MinimalAnswers.PREFER, required = false) String prefer, HttpServletRequest http) {
    if (body == null) {
      throw ValidationException.of("claim_token", "is required: the token returned by the claim");
    }
    ClaimPolicy policy = core.reports().complete(id, token(body.claimToken()),
        BearerAuthFilter.caller(http).agentId(),
        new Completion(body.result(), body.exitCode(), body.logTail(), usage(body.usage())));
    metrics.reported(policy.wire(), "succeeded");
    return after(id, prefer);
  }

  /** 200 with the task after the report, or 204 with no body for {@code Prefer: return=minimal}. */
  @PostMapping("/work/tasks/{id}/fail")
  ResponseEntity<TaskView> fail(@PathVariable UUID id, @RequestBody(required = false) FailRequest body,
      @RequestHeader(name = MinimalAnswers.PREFER, required = false) String prefer, HttpServletRequest http) {
    if (body == null) {
      throw ValidationException.of("claim_token", "is required: the token returned by the claim");
    }
    AttemptOutcome outcome = outcome(body.outcome(), "outcome", false);
    ClaimPolicy policy = core.reports().fail(id, token(body.claimToken()), BearerAuthFilter.caller(http).agentId(),
        new Failure(outcome, body.error(), body.retryable() == null || body.retryable(), body.exitCode(),
            body.logTail(), usage(body.usage())));
    metrics.reported(policy.wire(), outcome.wire());
    return after(id, prefer);
  }

  /** The task after a report or a release, unless the caller prefers no body. */
  private ResponseEntity<TaskView> after(UUID id, String prefer) {
    return MinimalAnswers.wanted(prefer) ? MinimalAnswers.noContent()
        : ResponseEntity.ok(Views.task(core.tasks().get(id)));
  }

  /**
   * Up to 100 reports on the caller's claims in one request and one transaction, each fenced by its own
   * claim token: 200 with one result per report (accepted, or refused with the status a single report
   * would have had); 400 refuses the whole batch before anything is written.
   */
  @PostMapping("/work/reports")
  ReportsResponse report(@RequestBody(required = false) ReportsRequest body, HttpServletRequest http) {
    if (body == null || body.reports() == null) {
      throw ValidationException.of("reports", "is required: a list of reports on your claims");
    }
    List<Report> reports = new ArrayList<>(body.reports().size());
    for (int i = 0; i < body.reports().size(); i++) {
      reports.add(report(body.reports().get(i), "reports[" + i + "]."));
    }
    List<Reported> answers = core.batchReports().reportAll(BearerAuthFilter.caller(http).agentId(), reports);
    List<ReportsResponse.Result> results = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      Reported a = answers.get(i);
      if (a.accepted()) {
        Report r = reports.get(i);
        metrics.reported(a.claimPolicy(), r.completion() != null ? "succeeded" : r.failure().outcome().wire());
        results.add(new ReportsResponse.Result(a.taskId(), true, 200, a.taskStatus().wire(), null));
      } else {
        results.add(new ReportsResponse.Result(a.taskId(), false, refusalStatus(a.refusal()), null,
            a.refusal().getMessage()));
      }
    }
    return new ReportsResponse(results);
  }

  private static Report report(ReportRequest r, String at) {
    if (r == null) {
      throw ValidationException.of(at.substring(0, at.length() - 1), "must be a report object");
    }
    String token = token(r.claimToken(), at + "claim_token"); // task_id and the rest: BatchReports.reportAll
    if (r.outcome() != null && r.outcome().strip().equalsIgnoreCase("succeeded")) {
      return Report.completed(r.taskId(), token,
          new Completion(r.result(), r.exitCode(), r.logTail(), usage(r.usage())));
    }
    if (r.result() != null && !r.result().isNull()) {
      throw ValidationException.of(at + "result", "is for outcome succeeded only");
    }
    return Report.failed(r.taskId(), token, new Failure(outcome(r.outcome(), at + "outcome", true), r.error(),
        r.retryable() == null || r.retryable(), r.exitCode(), r.logTail(), usage(r.usage())));
  }

  private static AttemptUsage usage(Usage usage) {
    return usage == null ? null
        : new AttemptUsage(usage.model(), usage.inputTokens(), usage.outputTokens(), usage.costUsd());
  }

  /** The status a refused report or heartbeat of one claim would have had on its own. */
  static int refusalStatus(RuntimeException refusal) {
    return switch (refusal) {
      case NotYourClaimException e -> 403;
      case NotFoundException e -> 404;
      case ValidationException e -> 400;
      default -> 409;
    };
  }

  /** 200 with the task after the release, or 204 with no body for {@code Prefer: return=minimal}. */
  @PostMapping("/work/tasks/{id}/release")
  ResponseEntity<TaskView> release(@PathVariable UUID id, @RequestBody(required = false) ReleaseRequest body,
      @RequestHeader(name = MinimalAnswers.PREFER, required = false) String prefer, HttpServletRequest http) {
    String reason = body == null ? null : body.reason();
    if (reason != null && reason.length() > AttemptReports.MAX_RELEASE_REASON) {
      throw ValidationException.of("reason", "must be at most " + AttemptReports.MAX_RELEASE_REASON + " characters");
    }
    core.reports().release(id, token(body == null ? null : body.claimToken()),
        BearerAuthFilter.caller(http).agentId(), reason);
    return after(id, prefer);
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
    return token(claimToken, "claim_token");
  }

  private static String token(String claimToken, String field) {
    if (claimToken == null || claimToken.isBlank()) {
      throw ValidationException.of(field, "is required: the token returned by the claim");
    }
    if (claimToken.length() > 200) {
      throw ValidationException.of(field, "is not a claim token (too long)");
    }
    return claimToken;
  }

  private static AttemptOutcome outcome(String outcome, String field, boolean succeededAllowed) {
    if (outcome == null) {
      if (succeededAllowed) {
        throw ValidationException.of(field, "is required: succeeded, failed, timed_out or cancelled");
      }
      return AttemptOutcome.FAILED;
    }
    return switch (outcome.strip().toLowerCase(Locale.ROOT)) {
      case "failed" -> AttemptOutcome.FAILED;
      case "timed_out" -> AttemptOutcome.TIMED_OUT;
      case "cancelled" -> AttemptOutcome.CANCELLED;
      default -> throw ValidationException.of(field,
          "must be " + (succeededAllowed ? "succeeded, " : "") + "failed, timed_out or cancelled");
    };
  }
}
