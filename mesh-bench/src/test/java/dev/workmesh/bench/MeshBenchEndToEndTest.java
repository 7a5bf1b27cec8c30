package dev.workmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.mesh.JitWarmup;
import dev.workmesh.bench.mesh.MeshHistory;
import dev.workmesh.bench.mesh.RequestCost;
import dev.workmesh.bench.report.BenchReport;
import dev.workmesh.bench.report.ResultsJson;
import dev.workmesh.bench.report.ResultsTable;
import dev.workmesh.bench.report.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every scenario of the benchmark end to end on a tiny profile (tens of tasks per Workmesh scenario) against real
 * embedded PostgreSQL and Kafka: the audits find every task run exactly once, every figure is positive,
 * and the results are written. No timing is asserted: this machine is shared.
 */
class MeshBenchEndToEndTest {

  @TempDir
  Path dir;

  @Test
  void everyScenarioRunsEveryTaskExactlyOnceAndReportsPositiveFigures() throws Exception {
    BenchOptions options = BenchOptions.tiny(dir.resolve("bench-results.json"));
    BenchReport report;
    try (BenchInfra infra = BenchInfra.start()) {
      report = BenchRun.run(options, infra, System.out::println);
    }
    System.out.print(ResultsTable.render(report));

    assertThat(report.results()).extracting(ScenarioResult::key)
        .containsAll(BenchOptions.SCENARIOS).contains("raw-batched-end");
    List<String> order = report.results().stream().map(ScenarioResult::key).toList();
    assertThat(order.indexOf(JitWarmup.KEY)).as("the JIT warm-up runs before the first Workmesh scenario")
        .isPositive().isLessThan(order.indexOf("queue-single"));
    ScenarioResult warmup = report.results().get(order.indexOf(JitWarmup.KEY));
    assertThat((List<?>) warmup.details().get("compile_ms_by_round"))
        .as("at least a round per claiming mode and one of subagents").hasSizeGreaterThanOrEqualTo(3);
    assertThat(report.ratios()).doesNotContainKey(JitWarmup.KEY);
    for (ScenarioResult r : report.results()) {
      assertThat(r.audit().problems()).as(r.key() + " audit problems").isEmpty();
      assertThat(r.audit().duplicates()).as(r.key() + " duplicates").isZero();
      assertThat(r.audit().lost()).as(r.key() + " lost").isZero();
      assertThat(r.audit().exactlyOnce()).as(r.key() + " tasks run exactly once").isEqualTo(r.audit().expected());
      assertThat(r.audit().expected()).as(r.key() + " audited tasks").isGreaterThanOrEqualTo(r.tasks()).isPositive();
      assertThat(r.tasks()).as(r.key() + " tasks").isPositive();
      assertThat(r.seconds()).as(r.key() + " seconds").isPositive();
      assertThat(r.tasksPerSecond()).as(r.key() + " tasks/s").isPositive();
      if (r.details().containsKey("history_before")) {
        // PostgreSQL's own count after ANALYZE: the history was written and the planner knows of it.
        @SuppressWarnings("unchecked")
        var history = (Map<String, Long>) r.details().get("history_before");
        assertThat(history.get("task_rows")).as(r.key() + " history's tasks").isEqualTo(MeshHistory.TASKS);
        assertThat(history.get("outbox_rows")).as(r.key() + " history's hour of published events").isPositive();
      }
    }
    assertThat(report.results()).as("every Workmesh scenario starts with its history")
        .filteredOn(r -> r.key().startsWith("queue-") || r.key().startsWith("latency") || r.key().equals("subagent")
            || r.key().equals(RequestCost.KEY))
        .hasSize(9).allMatch(r -> r.details().containsKey("history_before"));
    for (String key : new String[] {"latency", "latency-sustainable", "latency-light"}) {
      ScenarioResult result = report.results().stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
      var latency = result.latency();
      @SuppressWarnings("unchecked")
      var stages = (Map<String, Map<String, Double>>) result.details().get("latency_breakdown");
      assertThat(stages).as(key + " breakdown").containsOnlyKeys("send_to_inserted", "insert_to_relayed_to_kafka",
          "relayed_to_claimed", "claimed_to_worker_started", "send_to_worker_started");
      // The stages' clock is the histogram's: their whole lies within what the histogram saw, every stage forward.
      assertThat(stages.get("send_to_worker_started").get("p50_ms")).as(key + " breakdown's whole p50")
          .isPositive().isLessThanOrEqualTo(latency.maxMs() + 1);
      stages.forEach((stage, p) -> assertThat(p.get("p50_ms")).as(key + " " + stage + " p50").isGreaterThan(-1.0));
      assertThat(latency.samples()).as(key + " samples").isPositive();
      assertThat(latency.p50Ms()).as(key + " p50").isPositive();
      assertThat(latency.p99Ms()).as(key + " p99").isGreaterThanOrEqualTo(latency.p50Ms());
      assertThat(latency.maxMs()).as(key + " max").isGreaterThanOrEqualTo(latency.p99Ms());
    }
    ScenarioResult subagent = report.results().stream().filter(r -> r.key().equals("subagent")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    var cpu = (Map<String, Double>) subagent.details().get("cpu_ms_per_task");
    assertThat(cpu.get(CpuMeter.REST_OF_MACHINE)).as("the subagents' own processes count, outside this JVM").isPositive();
    assertThat(cpu.get("total")).as("the groups add up to the total")
        .isCloseTo(cpu.entrySet().stream().filter(e -> !e.getKey().equals("total") && !e.getKey().equals("cores_used"))
            .mapToDouble(Map.Entry::getValue).sum(), within(0.05));
    @SuppressWarnings("unchecked")
    var workers = (Map<String, Object>) subagent.details().get("task_worker");
    assertThat(workers).containsKey("records_released_for_lack_of_a_slot");
    ScenarioResult cost = report.results().stream().filter(r -> r.key().equals(RequestCost.KEY)).findFirst()
        .orElseThrow();
    for (RequestCost.Kind kind : RequestCost.Kind.values()) {
      assertThat(RequestCost.apiMillis(cost, kind)).as("mesh-api CPU per " + kind.key + " request").isPositive();
    }
    assertThat(report.targets()).extracting(t -> t.name())
        .anyMatch(name -> name.startsWith("mesh-api CPU per claim request"));
    report.ratios().forEach((key, ratios) -> {
      assertThat(ratios).as(key + " ratios").containsKeys("raw_batched", "db_scheduler");
      assertThat(ratios.values()).as(key + " ratios").allMatch(v -> v > 0);
    });
    assertThat(report.auditsClean()).isTrue();

    ResultsJson.write(report, options.out());
    assertThat(Files.readString(options.out())).contains("\"results\"", "\"queue-batched\"", "\"p99_ms\"")
        .as("no sweep, no scaling key").doesNotContain("\"scaling\"");
  }
}
