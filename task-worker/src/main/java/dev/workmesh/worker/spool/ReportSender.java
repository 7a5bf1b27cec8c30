package dev.workmesh.worker.spool;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.client.model.Problem;
import dev.workmesh.client.model.ReportRequest;
import dev.workmesh.client.model.ReportsResponse;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import dev.workmesh.worker.mesh.RequestCoalescer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
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
 *
 * <p>Reports of attempts that end close together go in one request ({@code POST /work/reports}): each
 * waits at most the batch window for company, and a batch holds at most the batch size. Each report of a
 * batch is fenced by its own claim token and answered on its own, with the same consequences as above. A
 * report alone in its window goes by itself to {@code complete} or {@code fail}.
 */
public final class ReportSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReportSender.class);

  /** What became of a report. */
  public enum Delivery {
    DELIVERED, SPOOLED, REJECTED, REFUSED
  }

  private final GuardedMeshClient api;
  private final ReportSpool spool;
  private final WorkerMetrics metrics;

  private final RequestCoalescer<PendingReport, Delivery> batches;

  /** One request per report. */
  public ReportSender(GuardedMeshClient api, ReportSpool spool, WorkerMetrics metrics) {
    this(api, spool, metrics, Duration.ZERO, 1);
  }

  /**
   * @param window how long a report waits for others to share its request
   * @param maxBatch the most reports of one request (1: each report alone)
   */
  public ReportSender(GuardedMeshClient api, ReportSpool spool, WorkerMetrics metrics, Duration window, int maxBatch) {
    this.api = api;
    this.spool = spool;
    this.metrics = metrics;
    this.batches = maxBatch > 1 ? new RequestCoalescer<>("report-sender", window, maxBatch, this::sendBatch) : null;
    metrics.spoolGauge(spool::size);
  }

  /**
   * Sends the report, with others that end within the batch window; spools it when the API cannot be
   * reached. Returns once it was answered or spooled.
   */
  public Delivery send(PendingReport report) {
    if (batches == null) {
      return sendAlone(report);
    }
    try {
      return batches.submit(report).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private List<Delivery> sendBatch(List<PendingReport> reports) {
    if (reports.size() == 1) {
      return List.of(sendAlone(reports.getFirst()));
    }
    List<ReportsResponse.Result> results;
    try {
      results = api.report(reports.stream().map(ReportSender::request).toList());
    } catch (MeshUnavailableException e) {
      reports.forEach(spool::put);
      log.warn("Spooled {} reports in {}: {}", reports.size(), spool.directory(), e.getMessage());
      reports.forEach(r -> metrics.reported(r.kind(), "spooled"));
      return reports.stream().map(r -> Delivery.SPOOLED).toList();
    } catch (MeshApiException e) {
      // The batch as a whole was refused (an API without batched reports, a malformed batch): one by one.
      log.warn("mesh-api refused a batch of {} reports ({}); sending them one by one", reports.size(), e.getMessage());
      return reports.stream().map(this::sendAlone).toList();
    }
    metrics.batch("report", reports.size());
    List<Delivery> deliveries = new ArrayList<>(reports.size());
    for (int i = 0; i < reports.size(); i++) {
      PendingReport report = reports.get(i);
      ReportsResponse.Result result = results.get(i);
      Delivery delivery = result.accepted() ? Delivery.DELIVERED : refused(report, result);
      metrics.reported(report.kind(), delivery.name().toLowerCase());
      deliveries.add(delivery);
    }
    return deliveries;
  }

  private Delivery refused(PendingReport report, ReportsResponse.Result result) {
    int status = result.status() == null ? 409 : result.status();
    // Exactly what the report alone would have met: the single path decides.
    return judge(report, new MeshApiException(status,
        new Problem(null, "report refused", status, result.detail(), "/work/reports", null)));
  }

  private static ReportRequest request(PendingReport report) {
    return report.complete() != null
        ? ReportRequest.succeeded(report.taskId(), report.complete())
        : ReportRequest.failed(report.taskId(), report.fail());
  }

  /** Sends now, alone; spools the report when the API cannot be reached. */
  private Delivery sendAlone(PendingReport report) {
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
      return judge(report, e);
    }
  }

  /** What a refusal of {@code report} means; a refused result is reported failed instead. */
  private Delivery judge(PendingReport report, MeshApiException e) {
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

  @Override
  public void close() {
    if (batches != null) {
      batches.close();
    }
  }
}
