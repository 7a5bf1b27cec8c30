package dev.workmesh.api.claim;

import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.AttemptReports;
import dev.workmesh.core.claim.LeaseRenewals;
import dev.workmesh.core.claim.LeaseRenewals.Renewal;
import dev.workmesh.core.claim.LeaseRenewals.Renewed;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Heartbeats of many claims in one request: a worker renews the leases of all its running attempts at
 * once. Each claim is fenced by its own token and answered on its own: 200 with one result per claim,
 * carrying the status its single heartbeat would have had (a stale token is refused for that claim only);
 * 400 refuses the whole request before anything is written.
 */
@RestController
class HeartbeatsController {

  static final int MAX_CLAIMS = 100;

  private final LeaseRenewals renewals;

  HeartbeatsController(MeshCore core) {
    this.renewals = new LeaseRenewals(core.reports());
  }

  @PostMapping("/work/heartbeats")
  HeartbeatsResponse heartbeats(@RequestBody(required = false) HeartbeatsRequest body, HttpServletRequest http) {
    if (body == null || body.heartbeats() == null || body.heartbeats().isEmpty()) {
      throw ValidationException.of("heartbeats", "is required: a list of 1 to " + MAX_CLAIMS
          + " claims, each {\"task_id\", \"claim_token\"}");
    }
    if (body.heartbeats().size() > MAX_CLAIMS) {
      throw ValidationException.of("heartbeats", "must list at most " + MAX_CLAIMS + " claims; send the rest in"
          + " another request");
    }
    List<Renewal> claims = new ArrayList<>(body.heartbeats().size());
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < body.heartbeats().size(); i++) {
      HeartbeatsRequest.Claim c = body.heartbeats().get(i);
      String at = "heartbeats[" + i + "]";
      if (c == null) {
        throw ValidationException.of(at, "must be a claim object {\"task_id\", \"claim_token\"}");
      }
      if (c.taskId() == null) {
        throw ValidationException.of(at + ".task_id", "is required: the id of the claimed task");
      }
      if (!seen.add(c.taskId())) {
        throw ValidationException.of(at + ".task_id", "names task " + c.taskId() + " a second time; list each claim once");
      }
      if (c.claimToken() == null || c.claimToken().isBlank()) {
        throw ValidationException.of(at + ".claim_token", "is required: the token returned by the claim");
      }
      if (c.claimToken().length() > 200) {
        throw ValidationException.of(at + ".claim_token", "is not a claim token (too long)");
      }
      if (c.logTail() != null && c.logTail().length() > AttemptReports.MAX_LOG_TAIL) {
        throw ValidationException.of(at + ".log_tail", "must be at most " + AttemptReports.MAX_LOG_TAIL
            + " characters: send the end of the output");
      }
      claims.add(new Renewal(c.taskId(), c.claimToken(), c.logTail()));
    }
    List<Renewed> answers = renewals.renewAll(BearerAuthFilter.caller(http).agentId(), claims);
    List<HeartbeatsResponse.Result> results = new ArrayList<>(answers.size());
    for (Renewed a : answers) {
      results.add(a.accepted()
          ? new HeartbeatsResponse.Result(a.taskId(), true, 200, a.ack().attemptId(), a.ack().leaseExpiresAt(),
              a.ack().cancelRequested(), null)
          : new HeartbeatsResponse.Result(a.taskId(), false, ClaimController.refusalStatus(a.refusal()), null, null,
              null, a.refusal().getMessage()));
    }
    return new HeartbeatsResponse(results);
  }
}
