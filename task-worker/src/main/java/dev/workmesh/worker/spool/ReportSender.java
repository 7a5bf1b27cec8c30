package dev.workmesh.worker.spool;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers final reports, spooling the ones the API cannot take now and sending them again from the
 * spool (a loop calls {@link #resendSpooled()}). What the API answers decides the rest:
 *
 * <ul>
 *   <li>409: the claim was lost (the lease lapsed and the task was rescued, or it was cancelled or
 *       reported already); the report is dropped, as the mesh no longer wants it;
 *   <li>another 4xx on {@code complete} (say the result is too large): a {@code fail} report, not
 *       retryable, says why, so the task ends visibly instead of waiting for its lease to lapse;
 *   <li>other 4xx: logged and dropped, since sending it again cannot help.
 * </ul>
 */
public final class ReportSender {

  private static final Logger log = LoggerFactory.getLogger(ReportSender.class);

  /** What became of a report. */
  public enum Delivery {
    DELIVERED, SPOOLED, REJECTED, REFUSED
  }

  private final GuardedMeshClient api;
  private final ReportSpool spool;
  private final WorkerMetrics metrics;

  public ReportSender(GuardedMeshClient api, ReportSpool spool, WorkerMetrics metrics) {
    this.api = api;
    this.spool = spool;
    this.metrics = metrics;
    metrics.spoolGauge(spool::size);
  }

  /** Sends now; spools the report when the API cannot be reached. */
  public Delivery send(PendingReport report) {
    Delivery delivery;
    try {
      delivery = deliver(report);
    } catch (MeshUnavailableException e) {
      spool.put(report);
      log.warn("Spooled the {} report of attempt {} (task {}) in {}: {}", report.kind(), report.attemptId(), report.taskId(),
          spool.directory(), e.getMessage());
      delivery = Delivery.SPOOLED;
    }
    metrics.reported(report.kind(), delivery.name().toLowerCase());
    return delivery;
  }

  /** Sends what the spool holds, oldest first, until the API stops answering. Returns how many left the spool. */
  public int resendSpooled() {
    int done = 0;
    for (PendingReport report : spool.all()) {
      if (!api.available()) {
        break;
      }
      Delivery delivery;
      try {
        delivery = deliver(report);
      } catch (MeshUnavailableException e) {
        log.info("Spooled reports wait for mesh-api: {}", e.getMessage());
        break;
      }
      spool.remove(report.attemptId());
      metrics.reported(report.kind(), delivery.name().toLowerCase());
      if (delivery == Delivery.DELIVERED) {
        log.info("Delivered the spooled {} report of attempt {} (task {})", report.kind(), report.attemptId(), report.taskId());
      }
      done++;
    }
    return done;
  }

  private Delivery deliver(PendingReport report) {
    try {
      if (report.complete() != null) {
        api.complete(report.taskId(), report.complete());
      } else {
        api.fail(report.taskId(), report.fail());
      }
      return Delivery.DELIVERED;
    } catch (MeshApiException e) {
      if (e.isConflict()) {
        log.warn(
            "mesh-api rejected the {} report of attempt {} (task {}) with 409: the claim was lost (its lease lapsed"
                + " and the task was rescued, or it was cancelled); dropping the report",
            report.kind(), report.attemptId(), report.taskId());
        return Delivery.REJECTED;
      }
      if (report.complete() != null && e.status() != 401) {
        log.error("mesh-api refused the result of attempt {} (task {}): {}; reporting the attempt failed instead",
            report.attemptId(), report.taskId(), e.getMessage());
        FailRequest instead =
            new FailRequest(report.complete().claimToken(), "mesh-api refused the result: " + e.getMessage(), "failed",
                false, report.complete().exitCode(), report.complete().logTail());
        return deliver(PendingReport.fail(report.taskId(), report.attemptId(), instead));
      }
      log.error("mesh-api refused the {} report of attempt {} (task {}): {}; dropping it", report.kind(),
          report.attemptId(), report.taskId(), e.getMessage());
      return Delivery.REFUSED;
    }
  }
}
