package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.LatencySummary;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.node.ObjectNode;

/**
 * Workmesh end to end: tasks submitted over REST with mesh-client, committed with their dispatch records
 * (outbox), relayed to {@code mesh.tasks.pooled}, delivered by the pool's share group to W competing
 * task-workers (the product's own consumers, claimer, lease renewer and report path), claimed and
 * reported over REST. Each scenario runs in its own database and topic prefix
 * with its own mesh-api, once the pool's share group has given every partition to the workers and after
 * a warm-up (JIT, connection pools) whose tasks are left out of the figures but not out of the audit.
 */
public final class WorkmeshScenarios {

  /** How the queue path's tasks arrive, and how the workers claim and report them. */
  public enum Submission {
    /** One task per request, from several threads, while the workers run. */
    SINGLE("queue-single", "workmesh queue, 1 task/submit", BenchWorkers.Mode.BATCHED),
    /** {@code submitAll} batches, from several threads, while the workers run. */
    BATCHED("queue-batched", "workmesh queue, batched submit", BenchWorkers.Mode.BATCHED),
    /**
     * Everything submitted and relayed to Kafka first, then drained: the same shape as the raw and
     * db-scheduler runs, so the claim-and-complete path alone is compared.
     */
    PREFILLED("queue-drain", "workmesh queue, pre-filled drain", BenchWorkers.Mode.BATCHED),
    /** The pre-filled drain with one record per poll, one claim and one report request per task: what batching saves. */
    PREFILLED_PER_TASK("queue-drain-per-task", "workmesh queue, pre-filled drain, per-task claims",
        BenchWorkers.Mode.PER_TASK);

    public final String key;
    public final String label;
    final BenchWorkers.Mode claiming;

    Submission(String key, String label, BenchWorkers.Mode claiming) {
      this.key = key;
      this.label = label;
      this.claiming = claiming;
    }

    boolean prefilled() {
      return this == PREFILLED || this == PREFILLED_PER_TASK;
    }
  }

  private static final Duration OUTBOX_LIMIT = Duration.ofMinutes(2);
  /** PostgreSQL backends flush their statistics at most once a second, and within a second of going idle. */
  private static final Duration STATS_FLUSH = Duration.ofMillis(1_200);

  private WorkmeshScenarios() {}

  public static ScenarioResult queue(BenchInfra infra, BenchOptions o, Submission submission)
      throws InterruptedException {
    try (MeshStack stack = MeshStack.open(infra, submission.key, MeshTopology.of(o))) {
      return throughput(stack, infra.cpu(), o, submission, false, o.meshTasks(),
          WorkmeshScenarios::noOpTask, submission.label, submission.key);
    }
  }

  /**
   * The subagent path: batched submits, task-worker spawning one real {@code /bin/true} process per task
   * ({@code exec} runtime: attempt directory, log, process group, supervision, as on a worker node).
   */
  public static ScenarioResult subagent(BenchInfra infra, BenchOptions o) throws InterruptedException {
    try (MeshStack stack = MeshStack.open(infra, "subagent", MeshTopology.of(o))) {
      return throughput(stack, infra.cpu(), o, Submission.BATCHED, true, o.subagentTasks(),
          WorkmeshScenarios::trueTask, "workmesh subagent, exec /bin/true", "subagent");
    }
  }

  static ScenarioResult throughput(MeshStack stack, CpuMeter cpu, BenchOptions o, Submission submission,
      boolean subagents, int tasks, IntFunction<TaskRequest> task, String label, String key)
      throws InterruptedException {
    stack.startWorkers(o, submission.claiming, subagents);
    int warmup = Math.min(o.warmupTasks(), Math.max(tasks / 2, 1));
    stack.submit(warmup, 1, Math.min(o.submitBatch(), warmup), task);
    stack.awaitCompletions(warmup);

    long start;
    Thread.sleep(STATS_FLUSH.toMillis()); // let the backends flush their statistics
    long commitsBefore = stack.commits();
    stack.ledger.takeSubmitterCpu();
    CpuMeter.Snapshot before = cpu.take();
    long submitStart = System.nanoTime();
    long submitEnd;
    double relaySeconds = 0;
    int plugs = 0;
    switch (submission) {
      case SINGLE, BATCHED -> {
        start = submitStart;
        stack.submit(tasks, o.submitThreads(), submission == Submission.SINGLE ? 1 : o.submitBatch(), task);
        submitEnd = System.nanoTime();
      }
      case PREFILLED, PREFILLED_PER_TASK -> {
        plugs = stack.pauseWorkers(o);
        submitStart = System.nanoTime();
        stack.submit(tasks, o.submitThreads(), o.submitBatch(), task);
        submitEnd = System.nanoTime();
        awaitOutboxPublished(stack);
        relaySeconds = (System.nanoTime() - submitEnd) / 1e9;
        before = cpu.take();
        start = System.nanoTime();
        stack.resumeWorkers();
      }
      default -> throw new IllegalArgumentException(submission.toString());
    }
    double submitSeconds = (submitEnd - submitStart) / 1e9;
    stack.awaitCompletions(warmup + plugs + (long) tasks);
    CpuMeter.Snapshot after = cpu.take();
    Thread.sleep(STATS_FLUSH.toMillis());
    long commits = stack.commits() - commitsBefore;
    double seconds = (stack.ledger.lastCompletionAt() - start) / 1e9;
    Audit audit = stack.audit();

    Map<String, Object> details = details(stack, o, subagents ? o.subagentSlots() : o.slots());
    long submitterCpu = stack.ledger.takeSubmitterCpu();
    details.put("database_commits_per_task", Math.round(100.0 * commits / tasks) / 100.0);
    details.put("cpu_ms_per_task", CpuMeter.perTask(before, after, tasks,
        submission.prefilled() ? Map.of() : Map.of(CpuMeter.group("bench-submit-"), submitterCpu)));
    details.put("warmup_tasks", warmup);
    details.put("submit_threads", o.submitThreads());
    details.put("tasks_per_submit", submission == Submission.SINGLE ? 1 : o.submitBatch());
    details.put("submit_seconds", round(submitSeconds));
    details.put("submit_tasks_per_second", round(tasks / submitSeconds));
    details.put("claiming", submission.claiming == BenchWorkers.Mode.BATCHED
        ? "task-worker defaults: the tasks of each poll's records claimed in one request, reports and heartbeats"
            + " of attempts that end or start within 2 ms in one request"
        : "task-worker with poll-records=1 and batch-max=1: one claim and one report request per task");
    if (submission.prefilled()) {
      details.put("relay_seconds_after_submit", round(relaySeconds));
      details.put("plug_tasks", plugs);
      details.put("plug_tasks_why", "one per slot, started before the fill and held until the drain starts, so no"
          + " task of the fill is claimed before; they complete in the measured window and are not counted");
    }
    return new ScenarioResult(key, label, tasks, seconds, ScenarioResult.rate(tasks, seconds), null, audit, details);
  }

  /**
   * Submit-to-claim latency at a fixed offered rate: one task per request, sent on a fixed schedule
   * (open loop, each on a virtual thread, so a slow answer does not delay the next send). The send time
   * of each task is recorded by id, the claim time in the worker loop that won it.
   */
  public static ScenarioResult latency(BenchInfra infra, BenchOptions o, String key, int rate, int offerSeconds)
      throws InterruptedException {
    try (MeshStack stack = MeshStack.open(infra, key, MeshTopology.of(o))) {
      stack.startWorkers(o, BenchWorkers.Mode.BATCHED, false);
      int warmup = o.warmupTasks();
      stack.submit(warmup, 1, Math.min(o.submitBatch(), warmup), WorkmeshScenarios::noOpTask);
      stack.awaitCompletions(warmup);

      int total = rate * offerSeconds;
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;
      Set<UUID> measured = ConcurrentHashMap.newKeySet();
      Semaphore inFlight = new Semaphore(1_000);
      MeshClient client = stack.operator;
      CpuMeter.Snapshot before = infra.cpu().take();
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
      try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < total; i++) {
          long scheduled = start + i * interval;
          long wait;
          while ((wait = scheduled - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          inFlight.acquire();
          int n = i;
          senders.execute(() -> {
            try {
              long sent = System.nanoTime();
              TaskView task = client.submit(stack.missionId, noOpTask(n)).task();
              stack.submitted.add(task.id());
              stack.ledger.submitted(task.id(), scheduled, sent);
              measured.add(task.id());
            } catch (RuntimeException e) {
              stack.ledger.error(e);
            } finally {
              inFlight.release();
            }
          });
        }
      }
      double offeredFor = (System.nanoTime() - start) / 1e9;
      // A submit the API refused (503 when the database pool is exhausted at saturation) made no task.
      stack.awaitCompletions(warmup + (long) measured.size());
      CpuMeter.Snapshot after = infra.cpu().take();
      double seconds = (stack.ledger.lastCompletionAt() - start) / 1e9;
      Audit audit = stack.audit();

      Histogram fromSend = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      Histogram fromSchedule = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      for (UUID id : measured) {
        ClaimLedger.Entry e = stack.ledger.entries().get(id);
        if (e != null && e.claimedAt != 0) {
          fromSend.recordValue(Math.max(0, (e.claimedAt - e.sentAt) / 1_000));
          fromSchedule.recordValue(Math.max(0, (e.claimedAt - e.scheduledAt) / 1_000));
        }
      }
      LatencySummary latency = new LatencySummary(rate, round(total / offeredFor),
          fromSend.getTotalCount(), ms(fromSend.getValueAtPercentile(50)), ms(fromSend.getValueAtPercentile(90)),
          ms(fromSend.getValueAtPercentile(99)), ms(fromSend.getMaxValue()), ms(fromSchedule.getValueAtPercentile(99)),
          ms(fromSchedule.getMaxValue()));
      Map<String, Object> details = details(stack, o, o.slots());
      details.put("warmup_tasks", warmup);
      details.put("offered_seconds", offerSeconds);
      details.put("refused_submits", total - measured.size());
      details.put("senders", "one virtual thread per submit: their CPU counts with mesh-api's carriers");
      details.put("latency_breakdown", stack.latencyBreakdown(measured));
      details.put("cpu_ms_per_task", CpuMeter.perTask(before, after, total));
      return new ScenarioResult(key, "workmesh latency @ " + rate + "/s offered", total, seconds,
          ScenarioResult.rate(total, seconds), latency, audit, details);
    }
  }

  private static Map<String, Object> details(MeshStack stack, BenchOptions o, int slots) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("workers", o.workers());
    details.put("slots_per_worker", slots);
    details.put("poll_records", Math.min(slots, o.pollRecords()));
    details.put("task_worker", stack.workerSummary());
    details.put("history_before", stack.history);
    details.put("client_errors", stack.ledger.errors());
    if (stack.ledger.firstError() != null) {
      details.put("first_client_error", stack.ledger.firstError());
    }
    return details;
  }

  private static void awaitOutboxPublished(MeshStack stack) throws InterruptedException {
    long deadline = System.nanoTime() + OUTBOX_LIMIT.toNanos();
    try (HikariDataSource ds = stack.database.newDataSource(1)) {
      while (stack.unpublished(ds) > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the outbox relay had not published every row after " + OUTBOX_LIMIT);
        }
        Thread.sleep(10);
      }
    }
  }

  static TaskRequest noOpTask(int i) {
    return TaskRequest.of("bench no-op " + i, "no-op").withRuntime(NoOpRuntime.NAME, null);
  }

  static TaskRequest trueTask(int i) {
    ObjectNode input = MeshClient.JSON.createObjectNode();
    input.putArray("argv").add("/bin/true");
    return TaskRequest.of("bench /bin/true " + i, "run /bin/true").withRuntime("exec", input);
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
