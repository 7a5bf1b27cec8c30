package dev.workmesh.scheduler.fire;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The scheduler's own meters (the maintenance loop's come from mesh-core's {@code MaintenanceLoop}):
 *
 * <ul>
 *   <li>{@code scheduler.fires{job, trigger, outcome}}: fire attempts, outcome {@code submitted},
 *       {@code rejected}, {@code already_fired}, or {@code error} (the transaction failed; retried on
 *       the next tick);
 *   <li>{@code scheduler.fires.missed{job}}: times scheduled instants were skipped or collapsed by the
 *       misfire policy.
 * </ul>
 */
public final class FireMetrics {

  private final MeterRegistry meters;

  public FireMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void fired(FireResult result) {
    count(result.job(), result.trigger(), result.outcome().wire());
  }

  void failed(String job, FireTrigger trigger) {
    count(job, trigger, "error");
  }

  void missed(String job) {
    meters.counter("scheduler.fires.missed", "job", job).increment();
  }

  private void count(String job, FireTrigger trigger, String outcome) {
    meters.counter("scheduler.fires", "job", job, "trigger", trigger.wire(), "outcome", outcome).increment();
  }
}
