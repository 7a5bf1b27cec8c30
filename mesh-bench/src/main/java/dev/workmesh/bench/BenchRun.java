package dev.workmesh.bench;

import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.mesh.JitWarmup;
import dev.workmesh.bench.mesh.MeshHistory;
import dev.workmesh.bench.mesh.RequestCost;
import dev.workmesh.bench.mesh.ScalingSweep;
import dev.workmesh.bench.mesh.WorkmeshScenarios;
import dev.workmesh.bench.mesh.WorkmeshScenarios.Submission;
import dev.workmesh.bench.peer.DbSchedulerPeer;
import dev.workmesh.bench.raw.BareSpawnLoop;
import dev.workmesh.bench.raw.RawSkipLockedBaseline;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.BenchReport;
import dev.workmesh.bench.report.LatencySummary;
import dev.workmesh.bench.report.ScalingReport;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.bench.report.Target;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the scenarios of one benchmark, in one JVM, against one PostgreSQL and one Kafka, and works out
 * the ratios and the targets. Every figure that is compared is measured in this same run: the machine is
 * shared, so only ratios carry over from one run to another.
 */
public final class BenchRun {

  /** The targets, each a ratio to a baseline measured in the same run. */
  static final double TARGET_DRAIN_OVER_PEER = 1.5;
  static final double TARGET_BATCHED_OVER_PEER = 1.0;
  static final double TARGET_SHARE_OF_RAW_SINGLE = 0.08;
  static final double TARGET_SHARE_OF_BARE_SPAWN = 0.5;
  static final double TARGET_P99_MS = 25;
  static final int TARGET_RATE = 1_000;
  static final double TARGET_API_CPU_MS_PER_REQUEST = 0.4;
  /** The latency run at a tenth of the single-submit rate. */
  static final String LIGHT_LATENCY = "latency-light";

  private BenchRun() {}

  public static BenchReport run(BenchOptions o, BenchInfra infra, Consumer<String> progress)
      throws InterruptedException {
    Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    double loadBefore = loadAverage();
    List<ScenarioResult> results = new ArrayList<>();
    Scenario[] scenarios = {
        new Scenario("raw-single", () -> RawSkipLockedBaseline.run("raw-single", infra.newDatabase("raw_single"),
            infra.cpu(), o.rawTasks() / 4, 1, o.workers())),
        new Scenario("raw-batched", () -> RawSkipLockedBaseline.run("raw-batched", infra.newDatabase("raw_batched"),
            infra.cpu(), o.rawTasks(), o.rawBatch(), o.workers())),
        new Scenario("db-scheduler", () -> DbSchedulerPeer.run("db-scheduler", infra.newDatabase("db_scheduler"),
            infra.cpu(), o.peerTasks(), o.workers())),
        new Scenario("queue-single", () -> WorkmeshScenarios.queue(infra, o, Submission.SINGLE)),
        new Scenario("queue-batched", () -> WorkmeshScenarios.queue(infra, o, Submission.BATCHED)),
        new Scenario("queue-drain", () -> WorkmeshScenarios.queue(infra, o, Submission.PREFILLED)),
        new Scenario("queue-drain-per-task", () -> WorkmeshScenarios.queue(infra, o, Submission.PREFILLED_PER_TASK)),
        new Scenario("spawn-bare", () -> BareSpawnLoop.run("spawn-bare", infra.cpu(), o.subagentTasks(),
            o.workers() * o.subagentSlots())),
        new Scenario("subagent", () -> WorkmeshScenarios.subagent(infra, o)),
        new Scenario("latency", () -> WorkmeshScenarios.latency(infra, o, "latency", o.latencyRate(),
            o.latencySeconds())),
        // Half of what single submits achieved in this run: latency when the mesh is not saturated.
        new Scenario("latency-sustainable", () -> WorkmeshScenarios.latency(infra, o, "latency-sustainable",
            shareOfSingleSubmitRate(results, 2, 50), Math.max(5, 2 * o.latencySeconds()))),
        // A tenth of it: the path's own latency, far from saturation (no target; it explains the one above).
        new Scenario(LIGHT_LATENCY, () -> WorkmeshScenarios.latency(infra, o, LIGHT_LATENCY,
            shareOfSingleSubmitRate(results, 10, 20), Math.max(5, 4 * o.latencySeconds()))),
        new Scenario(RequestCost.KEY, () -> RequestCost.run(infra, o)),
    };
    boolean warmed = false;
    for (Scenario s : scenarios) {
      if (!o.runs(s.key())) {
        continue;
      }
      if (!warmed && WORKMESH.contains(s.key()) && o.jitWarmupSeconds() > 0) {
        progress.accept("-> " + JitWarmup.KEY + " (at most " + o.jitWarmupSeconds() + " s) ...");
        results.add(JitWarmup.run(infra, o, progress));
        warmed = true;
      }
      progress.accept("-> " + s.key() + " ...");
      long t0 = System.nanoTime();
      ScenarioResult r = s.body().run();
      results.add(r);
      progress.accept(String.format(Locale.ROOT,
          "   %s: %d tasks in %.2f s = %.0f tasks/s%s; audit %s (scenario took %.0f s)",
          r.key(), r.tasks(), r.seconds(), r.tasksPerSecond(),
          r.latency() == null ? "" : String.format(Locale.ROOT, ", p50 %.1f ms, p99 %.1f ms, max %.1f ms",
              r.latency().p50Ms(), r.latency().p99Ms(), r.latency().maxMs()),
          r.audit().verdict(), (System.nanoTime() - t0) / 1e9));
    }
    // The baseline once more at the end: how much the shared machine drifted during the run.
    if (o.runs("raw-batched")) {
      progress.accept("-> raw-batched again (drift check) ...");
      ScenarioResult again = RawSkipLockedBaseline.run("raw-batched-end", infra.newDatabase("raw_batched_end"),
          infra.cpu(), o.rawTasks(), o.rawBatch(), o.workers());
      results.add(new ScenarioResult(again.key(), again.name() + " (again, at the end)", again.tasks(),
          again.seconds(), again.tasksPerSecond(), null, again.audit(), again.details()));
    }
    ScalingReport scaling = null;
    if (o.sweep()) {
      if (!warmed && o.jitWarmupSeconds() > 0) {
        progress.accept("-> " + JitWarmup.KEY + " (at most " + o.jitWarmupSeconds() + " s) ...");
        results.add(JitWarmup.run(infra, o, progress));
      }
      progress.accept("-> " + BenchOptions.SWEEP + " (" + ScalingSweep.layouts().size() + " points) ...");
      scaling = ScalingSweep.run(infra, o, progress);
    }
    double loadAfter = loadAverage();
    return report(o, startedAt, loadBefore, loadAfter, results, scaling);
  }

  /**
   * The rate single submits achieved in this run divided by {@code divisor} (at least 5/s), or {@code
   * otherwise} when that scenario did not run.
   */
  private static int shareOfSingleSubmitRate(List<ScenarioResult> results, int divisor, int otherwise) {
    return find(results, "queue-single").map(r -> (int) Math.max(5, r.tasksPerSecond() / divisor)).orElse(otherwise);
  }

  /** The scenarios that run Workmesh's code: the JIT warm-up runs before the first of them. */
  private static final Set<String> WORKMESH = Set.of("queue-single", "queue-batched", "queue-drain",
      "queue-drain-per-task", "subagent", "latency", "latency-sustainable", LIGHT_LATENCY, RequestCost.KEY);

  private interface Body {
    ScenarioResult run() throws InterruptedException;
  }

  private record Scenario(String key, Body body) {}

  static BenchReport report(BenchOptions o, Instant startedAt, double loadBefore, double loadAfter,
      List<ScenarioResult> results, ScalingReport scaling) {
    Optional<Double> raw = baseline(results);
    Optional<Double> peer = rate(results, "db-scheduler");
    Optional<Double> rawSingle = rate(results, "raw-single");
    Optional<Double> bareSpawn = rate(results, "spawn-bare");
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    for (ScenarioResult r : results) {
      if (!isWorkmesh(r)) {
        continue;
      }
      Map<String, Double> ratio = new LinkedHashMap<>();
      raw.ifPresent(v -> ratio.put("raw_batched", significant(r.tasksPerSecond() / v)));
      rawSingle.ifPresent(v -> ratio.put("raw_single", significant(r.tasksPerSecond() / v)));
      peer.ifPresent(v -> ratio.put("db_scheduler", significant(r.tasksPerSecond() / v)));
      if (r.key().equals("subagent")) {
        bareSpawn.ifPresent(v -> ratio.put("spawn_bare", significant(r.tasksPerSecond() / v)));
      }
      ratios.put(r.key(), ratio);
    }

    List<Target> targets = new ArrayList<>();
    targets.add(ratioTarget("pre-filled drain / db-scheduler", rate(results, "queue-drain"), peer,
        TARGET_DRAIN_OVER_PEER, "x"));
    targets.add(ratioTarget("batched submit, end to end / db-scheduler", rate(results, "queue-batched"), peer,
        TARGET_BATCHED_OVER_PEER, "x"));
    targets.add(ratioTarget("one task per submit, end to end / raw SKIP LOCKED 1/tx", rate(results, "queue-single"),
        rawSingle, TARGET_SHARE_OF_RAW_SINGLE, ""));
    targets.add(ratioTarget("pre-filled drain, one record per request / raw SKIP LOCKED 1/tx",
        rate(results, "queue-drain-per-task"), rawSingle, TARGET_SHARE_OF_RAW_SINGLE, ""));
    targets.add(ratioTarget("subagent (task-worker spawning /bin/true) / bare spawn loop, same concurrency",
        rate(results, "subagent"), bareSpawn, TARGET_SHARE_OF_BARE_SPAWN, ""));
    Optional<LatencySummary> latency = find(results, "latency").map(ScenarioResult::latency);
    boolean atTargetRate = latency.map(l -> l.offeredPerSecond() >= TARGET_RATE).orElse(false);
    targets.add(new Target("p99 submit-to-claim",
        "<= " + (int) TARGET_P99_MS + " ms at " + TARGET_RATE + " tasks/s offered",
        latency.map(l -> fmt(l.p99Ms()) + " ms at " + (int) l.offeredPerSecond() + "/s offered"
            + (atTargetRate ? "" : " (below the target rate: indicative only)")).orElse("not run"),
        latency.map(l -> l.p99Ms() <= TARGET_P99_MS && atTargetRate ? Boolean.TRUE
            : l.p99Ms() > TARGET_P99_MS ? Boolean.FALSE : null).orElse(null)));
    find(results, "latency-sustainable").map(ScenarioResult::latency).ifPresent(l -> targets.add(new Target(
        "p99 submit-to-claim, not saturated (half the single-submit rate)", "<= " + (int) TARGET_P99_MS + " ms",
        fmt(l.p99Ms()) + " ms at " + (int) l.offeredPerSecond() + "/s offered", l.p99Ms() <= TARGET_P99_MS)));
    for (RequestCost.Kind kind : List.of(RequestCost.Kind.CLAIM, RequestCost.Kind.REPORT, RequestCost.Kind.SUBMIT)) {
      Optional<Double> ms = find(results, RequestCost.KEY).map(r -> RequestCost.apiMillis(r, kind));
      targets.add(new Target("mesh-api CPU per " + kind.key + " request (warm, one at a time)",
          "<= " + TARGET_API_CPU_MS_PER_REQUEST + " ms", ms.map(v -> fmt3(v) + " ms").orElse("not run"),
          ms.map(v -> v <= TARGET_API_CPU_MS_PER_REQUEST).orElse(null)));
    }
    List<Audit> audits = new ArrayList<>(results.stream().map(ScenarioResult::audit).toList());
    if (scaling != null) {
      scaling.points().forEach(p -> audits.addAll(List.of(p.drain().audit(), p.batched().audit())));
      scaling.dbScheduler().values().forEach(r -> audits.add(r.audit()));
    }
    long duplicates = audits.stream().mapToLong(Audit::duplicates).sum();
    long lost = audits.stream().mapToLong(Audit::lost).sum();
    boolean clean = audits.stream().allMatch(Audit::clean);
    targets.add(new Target("exactly once (every scenario's audit)", "0 duplicates, 0 lost",
        duplicates + " duplicates, " + lost + " lost" + (clean ? "" : ", see the audits' problems"), clean));

    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("load_average_before", round(loadBefore));
    machine.put("load_average_after", round(loadAfter));
    machine.put("shared", "the machine is shared with other builds: compare ratios within a run, not absolute figures"
        + " across runs");

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("profile", o.profile());
    settings.put("workers", o.workers());
    settings.put("raw_tasks", o.rawTasks());
    settings.put("raw_tasks_per_transaction", o.rawBatch());
    settings.put("db_scheduler_tasks", o.peerTasks());
    settings.put("workmesh_tasks", o.meshTasks());
    settings.put("subagent_tasks", o.subagentTasks());
    settings.put("warmup_tasks", o.warmupTasks());
    settings.put("jit_warmup_seconds", o.jitWarmupSeconds());
    settings.put("submit_threads", o.submitThreads());
    settings.put("tasks_per_batch_submit", o.submitBatch());
    settings.put("slots_per_worker", o.slots());
    settings.put("poll_records", o.pollRecords());
    settings.put("subagent_slots_per_worker", o.subagentSlots());
    settings.put("latency_offered_per_second", o.latencyRate());
    settings.put("latency_seconds", o.latencySeconds());
    if (o.partitions() != 0 || o.replicas() != 1) {
      settings.put("partitions", o.partitions() == 0 ? "mesh-api's default" : o.partitions());
      settings.put("mesh_api_replicas", o.replicas());
    }

    List<String> notes = List.of(
        "Ratios divide by the batched raw baseline (the mean of its runs at the start and at the end) and by"
            + " db-scheduler, all measured in this run on the same PostgreSQL.",
        "raw and db-scheduler drain a pre-filled table; workmesh queue 1 task/submit and batched submit are end to"
            + " end (REST submit, outbox, relay, Kafka share group, REST claims and reports), the submission running"
            + " concurrently with the workers; pre-filled drain submits and relays first, then drains.",
        "The workers are task-worker itself (its share consumers, claimer, lease renewer and report path), with"
            + " an in-process runtime that succeeds at once for the queue scenarios and the exec runtime spawning"
            + " /bin/true for the subagent scenario; queue-drain-per-task sets poll-records=1 and batch-max=1.",
        "spawn-bare spawns /bin/true with ProcessBuilder at the subagent scenario's concurrency (workers x"
            + " subagent slots), nothing else: the subagent target compares with it.",
        "Before the first Workmesh scenario, the JIT warm-up (its own row, not measured, audited) runs Workmesh's"
            + " path until a round spends under 5% of its time compiling, as in a mesh that has served for a while;"
            + " each scenario waits until the pool's share group has given every partition to its workers, then"
            + " runs its own short warm-up (connection pools).",
        "Latency is from sending the submit request to winning the claim; the JSON also has it from each send's"
            + " scheduled time (coordinated omission).",
        "The embedded PostgreSQL runs with fsync and synchronous_commit off, the same for every scenario.",
        "Each Workmesh scenario's database starts with a history, as in a mesh that has served a while: "
            + String.format(Locale.ROOT, "%,d", MeshHistory.TASKS) + " finished tasks with their attempts and an hour"
            + " of published events, analyzed (a plan made on nearly empty tables reads whole tables); raw and"
            + " db-scheduler delete what they finish and start empty.");
    return new BenchReport(startedAt.toString(), machine, settings, results, ratios, targets, notes, scaling);
  }

  /** Tasks/s of the batched raw baseline: the mean of its runs (start and end of the run). */
  private static Optional<Double> baseline(List<ScenarioResult> results) {
    List<Double> runs = results.stream().filter(r -> r.key().startsWith("raw-batched"))
        .map(ScenarioResult::tasksPerSecond).toList();
    return runs.isEmpty() ? Optional.empty()
        : Optional.of(runs.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
  }

  /** Workmesh's throughput runs; the latency run's tasks/s is its offered rate, so no ratio there. */
  private static boolean isWorkmesh(ScenarioResult r) {
    return r.key().startsWith("queue-") || r.key().equals("subagent");
  }

  /** A ratio of two throughputs of this run against its threshold; n/a when either was not run. */
  private static Target ratioTarget(String name, Optional<Double> measured, Optional<Double> baseline,
      double threshold, String unit) {
    String goal = ">= " + threshold + unit;
    if (measured.isEmpty() || baseline.isEmpty()) {
      return new Target(name, goal, "not run", null);
    }
    double ratio = measured.get() / baseline.get();
    return new Target(name, goal, fmt3(ratio) + unit + " (" + Math.round(measured.get()) + " / "
        + Math.round(baseline.get()) + " tasks/s)", ratio >= threshold);
  }

  private static Optional<Double> rate(List<ScenarioResult> results, String key) {
    return find(results, key).map(ScenarioResult::tasksPerSecond);
  }

  private static Optional<ScenarioResult> find(List<ScenarioResult> results, String key) {
    return results.stream().filter(r -> r.key().equals(key)).findFirst();
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Three significant digits: ratios span from 0.0001 to 10. */
  public static double significant(double v) {
    return v == 0 || !Double.isFinite(v) ? v
        : new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
