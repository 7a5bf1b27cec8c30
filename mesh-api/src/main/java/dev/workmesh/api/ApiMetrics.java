package dev.workmesh.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.workmesh.core.claim.Claim;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/** The mesh counters of mesh-api, on /actuator/prometheus. */
@Component
public class ApiMetrics {

  private final MeterRegistry meters;
  private final Timer claimLatency;

  public ApiMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.claimLatency = Timer.builder("mesh_claim_duration")
        .description("time to run one claim statement (not the long-poll wait)")
        .publishPercentileHistogram()
        .register(meters);
  }

  public void submitted(String policy, int n) {
    meters.counter("mesh_tasks_submitted_total", "policy", policy).increment(n);
  }

  public void claimed(String policy) {
    meters.counter("mesh_tasks_claimed_total", "policy", policy).increment();
  }

  public void reported(String policy, String outcome) {
    meters.counter("mesh_attempts_reported_total", "policy", policy, "outcome", outcome).increment();
  }

  public void claimTook(Duration duration) {
    claimLatency.record(duration);
  }

  /** Runs one claim statement, timing it and counting what it won. */
  public List<Claim> timedClaims(Supplier<List<Claim>> claim) {
    long start = System.nanoTime();
    List<Claim> claims = claim.get();
    claimTook(Duration.ofNanos(System.nanoTime() - start));
    claims.forEach(c -> claimed(c.task().claimPolicy().wire()));
    return claims;
  }
}
