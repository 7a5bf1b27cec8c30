package dev.workmesh.worker;

import dev.workmesh.core.loop.LoopMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.workmesh.worker.subagent.SubagentUsage;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters, on {@code /actuator/prometheus} as {@code workmesh_worker_*}:
 *
 * <ul>
 *   <li>{@code workmesh_worker_slots_busy}, {@code _slots_free}: attempts held (claimed, and their subagent
 *       not ended, or not yet reported when no report permit was free) and how many more the worker may take
 *   <li>{@code workmesh_worker_spawns_total{runtime,outcome}}: attempts run, by how they ended
 *       (succeeded, failed, timed_out, cancelled, launch_failed, lost)
 *   <li>{@code workmesh_worker_spawn_latency_seconds{runtime}}: from winning a claim to the process running
 *   <li>{@code workmesh_worker_attempt_duration_seconds{runtime,outcome}}: subagent run time
 *   <li>{@code workmesh_worker_claims_total{source,result}}: claims by pooled/directed/pull, won or not
 *   <li>{@code workmesh_worker_reports_total{kind,result}}: complete/fail/release reports, delivered,
 *       spooled, rejected (409: the claim was lost) or refused (another 4xx)
 *   <li>{@code workmesh_worker_spool_reports}: reports waiting in the spool
 *   <li>{@code workmesh_subagent_tokens_total{runtime,model,kind}}: tokens the agent CLIs reported,
 *       kind input or output; model {@code unknown} where the CLI does not name it (Codex CLI)
 *   <li>{@code workmesh_subagent_cost_usd_total{runtime,model}}: cost the agent CLIs reported (Claude Code)
 *   <li>failed runs of the worker's loops, periodic or not, as {@code mesh_loop_runs_total{loop, step,
 *       outcome="error"}} (mesh-core's {@link LoopMetrics})
 *   <li>{@code workmesh_worker_consumer_replacements_total{consumer}}: Kafka consumers closed and created
 *       anew after an error they cannot recover from (the broker lost their share group)
 * </ul>
 */
public final class WorkerMetrics {

  private final MeterRegistry registry;
  private final LoopMetrics loopMetrics;

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.loopMetrics = new LoopMetrics(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void slotGauges(Supplier<Number> busy, Supplier<Number> free) {
    Gauge.builder("workmesh.worker.slots.busy", busy).description("Subagent slots in use").register(registry);
    Gauge.builder("workmesh.worker.slots.free", free).description("Subagent slots free").register(registry);
  }

  public void spoolGauge(Supplier<Number> size) {
    Gauge.builder("workmesh.worker.spool.reports", size).description("Reports waiting in the spool to be sent again").register(registry);
  }

  public void spawned(String runtime, String outcome, Duration ran) {
    Counter.builder("workmesh.worker.spawns").description("Subagent attempts by runtime and outcome")
        .tag("runtime", runtime).tag("outcome", outcome).register(registry).increment();
    if (ran != null) {
      Timer.builder("workmesh.worker.attempt.duration").description("How long subagents ran")
          .tag("runtime", runtime).tag("outcome", outcome).register(registry).record(ran);
    }
  }

  /** Adds what one attempt's agent spent. */
  public void usage(String runtime, SubagentUsage usage) {
    String model = usage.model() == null || usage.model().isBlank() ? "unknown" : usage.model();
    tokens(runtime, model, "input", usage.inputTokens());
    tokens(runtime, model, "output", usage.outputTokens());
    if (usage.costUsd() != null) {
      Counter.builder("workmesh.subagent.cost.usd").description("Cost the agent CLIs reported, in US dollars")
          .tag("runtime", runtime).tag("model", model).register(registry).increment(usage.costUsd().doubleValue());
    }
  }

  private void tokens(String runtime, String model, String kind, long count) {
    Counter.builder("workmesh.subagent.tokens").description("Tokens the agent CLIs reported")
        .tag("runtime", runtime).tag("model", model).tag("kind", kind).register(registry).increment(count);
  }

  public void spawnLatency(String runtime, Duration latency) {
    Timer.builder("workmesh.worker.spawn.latency").description("From a won claim to a running subagent")
        .tag("runtime", runtime).register(registry).record(latency);
  }

  public void claimed(String source, boolean won) {
    Counter.builder("workmesh.worker.claims").description("Claim attempts by source and result")
        .tag("source", source).tag("result", won ? "won" : "not_claimable").register(registry).increment();
  }

  /** A pool record given back to its share group because no slot was free when it arrived. */
  public void surplusReleased() {
    Counter.builder("workmesh.worker.records.surplus").description(
        "Pool records released to their share group because no slot was free when they arrived")
        .register(registry).increment();
  }

  public double surplusReleasedCount() {
    Counter counter = registry.find("workmesh.worker.records.surplus").counter();
    return counter == null ? 0 : counter.count();
  }

  public void reported(String kind, String result) {
    Counter.builder("workmesh.worker.reports").description("Reports to the API by kind and result")
        .tag("kind", kind).tag("result", result).register(registry).increment();
  }

  public double reportCount(String kind, String result) {
    Counter counter = registry.find("workmesh.worker.reports").tag("kind", kind).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  /** One request that carried {@code size} items of {@code kind} (claim, report, heartbeat). */
  public void batch(String kind, int size) {
    io.micrometer.core.instrument.DistributionSummary.builder("workmesh.worker.batch.size")
        .description("Items per batched request to the API, by kind").tag("kind", kind).register(registry).record(size);
  }

  /** A failed run of a loop that is not periodic (a consumer's poll loop, an attempt's reporting). */
  public void loopError(String loop) {
    loopMetrics.failed(loop, loop);
  }

  public void consumerReplaced(String consumer) {
    Counter.builder("workmesh.worker.consumer.replacements")
        .description("Kafka consumers replaced after an error they cannot recover from")
        .tag("consumer", consumer).register(registry).increment();
  }
}
