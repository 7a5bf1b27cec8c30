package dev.workmesh.worker.attempt;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.HeartbeatResponse;
import dev.workmesh.client.model.HeartbeatsRequest;
import dev.workmesh.client.model.HeartbeatsResponse;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.RequestCoalescer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of the worker's attempts, many per request: heartbeats asked for within the batch
 * window (every running attempt at each interval, attempts that start together) go in one {@code POST
 * /work/heartbeats}, each claim fenced by its own token and answered on its own. A heartbeat alone goes to
 * its task's own heartbeat endpoint, and so do all of them when mesh-api has no batch endpoint (an older
 * release answers 404).
 */
final class LeaseRenewer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
  /** The most claims mesh-api renews in one request. */
  static final int MAX_BATCH = 100;

  private final GuardedMeshClient api;
  private final WorkerMetrics metrics;
  private final RequestCoalescer<RunningAttempt, HeartbeatsResponse.Result> batches;
  private volatile boolean batchEndpoint = true;

  LeaseRenewer(GuardedMeshClient api, WorkerMetrics metrics, Duration window) {
    this.api = api;
    this.metrics = metrics;
    this.batches = new RequestCoalescer<>("lease-renewer", window, MAX_BATCH, this::send);
  }

  /** Renews this attempt's lease with the next request; the answer is the claim's own. */
  CompletableFuture<HeartbeatsResponse.Result> renew(RunningAttempt attempt) {
    return batches.submit(attempt);
  }

  private List<HeartbeatsResponse.Result> send(List<RunningAttempt> batch) {
    // An attempt that ended while its heartbeat waited (a task shorter than the window) reports instead.
    List<RunningAttempt> attempts = batch.stream().filter(RunningAttempt::renewing).toList();
    if (attempts.size() == batch.size()) {
      return renew(attempts);
    }
    Map<RunningAttempt, HeartbeatsResponse.Result> renewed = new IdentityHashMap<>();
    List<HeartbeatsResponse.Result> results = renew(attempts);
    for (int i = 0; i < attempts.size(); i++) {
      renewed.put(attempts.get(i), results.get(i));
    }
    return batch.stream().map(a -> renewed.getOrDefault(a, skipped(a))).toList();
  }

  private static HeartbeatsResponse.Result skipped(RunningAttempt attempt) {
    return new HeartbeatsResponse.Result(attempt.taskId(), true, 200, attempt.attemptId(), null, false,
        "not sent: the attempt ended before its heartbeat");
  }

  private List<HeartbeatsResponse.Result> renew(List<RunningAttempt> attempts) {
    if (attempts.isEmpty()) {
      return List.of();
    }
    if (attempts.size() > 1 && batchEndpoint) {
      try {
        List<String> tails = attempts.stream().map(RunningAttempt::newLogTail).toList();
        List<HeartbeatsRequest.Claim> claims = new ArrayList<>(attempts.size());
        for (int i = 0; i < attempts.size(); i++) {
          claims.add(new HeartbeatsRequest.Claim(attempts.get(i).taskId(), attempts.get(i).claim.claimToken(),
              tails.get(i)));
        }
        List<HeartbeatsResponse.Result> results = api.heartbeatAll(claims);
        for (int i = 0; i < results.size() && i < attempts.size(); i++) {
          if (results.get(i).accepted()) {
            attempts.get(i).logTailDelivered(tails.get(i));
          }
        }
        metrics.batch("heartbeat", attempts.size());
        return results;
      } catch (MeshApiException e) {
        if (e.status() != 404 && e.status() != 405) {
          throw e;
        }
        batchEndpoint = false;
        log.warn("mesh-api has no batch heartbeat endpoint ({}); renewing each claim with a request of its own",
            e.getMessage());
      }
    }
    List<HeartbeatsResponse.Result> results = new ArrayList<>(attempts.size());
    for (RunningAttempt attempt : attempts) {
      results.add(alone(attempt));
    }
    return results;
  }

  private HeartbeatsResponse.Result alone(RunningAttempt attempt) {
    try {
      String tail = attempt.newLogTail();
      HeartbeatResponse r = api.heartbeat(attempt.taskId(), attempt.claim.claimToken(), tail);
      attempt.logTailDelivered(tail);
      return new HeartbeatsResponse.Result(attempt.taskId(), true, 200, r.attemptId(), r.leaseExpiresAt(),
          r.cancelRequested(), null);
    } catch (MeshApiException e) {
      if (e.status() == 401) {
        throw e; // the agent's token was refused: not a judgement on this claim
      }
      return new HeartbeatsResponse.Result(attempt.taskId(), false, e.status(), null, null, null,
          e.problem() == null ? e.getMessage() : e.problem().detail());
    }
  }

  @Override
  public void close() {
    batches.close();
  }
}
