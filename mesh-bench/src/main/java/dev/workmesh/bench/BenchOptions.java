package dev.workmesh.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one benchmark run does. A profile fixes the sizes; flags override single values.
 *
 * @param profile {@code quick} (the whole run in about two minutes), {@code full} (about 12 minutes) or
 *     {@code tiny} (the module's own test)
 * @param workers W: competing claimers in every scenario (threads of the raw loop and of db-scheduler,
 *     task-workers of Workmesh)
 * @param rawTasks tasks of each raw SKIP LOCKED run
 * @param rawBatch tasks per transaction of the batched raw run
 * @param peerTasks db-scheduler executions
 * @param meshTasks tasks of each Workmesh throughput run (queue path)
 * @param subagentTasks tasks of the subagent path (one process each)
 * @param warmupTasks tasks run through each Workmesh scenario before it is measured (JIT, pools, the
 *     share group's assignment); audited with the rest
 * @param jitWarmupSeconds at most how long the JIT warm-up runs before the first Workmesh scenario
 *     ({@link dev.workmesh.bench.mesh.JitWarmup}); 0 skips it
 * @param submitThreads threads submitting one task per request in the single-submit variant
 * @param submitBatch tasks per request in the batched variants
 * @param slots {@code task-worker.max-concurrent-subagents} of each task-worker in the queue scenarios
 * @param pollRecords {@code task-worker.poll-records}: records per poll, claimed in one request (the
 *     per-task scenario polls one record at a time and reports each task alone)
 * @param subagentSlots {@code task-worker.max-concurrent-subagents} of each task-worker in the subagent
 *     scenario, and so the bare spawn loop's concurrency divided by W
 * @param latencyRate offered submissions per second of the latency run
 * @param latencySeconds how long the latency run offers that rate
 * @param partitions {@code mesh-api.kafka.partitions} of the Workmesh scenarios' mesh-api (the pooled
 *     topic's partitions); 0 leaves mesh-api's own default (6)
 * @param replicas mesh-api replicas of each Workmesh scenario, over the same database and broker; the
 *     task-workers are spread over them round-robin
 * @param sweep whether the scaling sweep ({@value #SWEEP}) runs; alone unless {@code only} names scenarios
 * @param out where the JSON results go
 * @param only scenario keys to run (empty: all, or none when {@code sweep})
 */
public record BenchOptions(
    String profile,
    int workers,
    int rawTasks,
    int rawBatch,
    int peerTasks,
    int meshTasks,
    int subagentTasks,
    int warmupTasks,
    int jitWarmupSeconds,
    int submitThreads,
    int submitBatch,
    int slots,
    int pollRecords,
    int subagentSlots,
    int latencyRate,
    int latencySeconds,
    int partitions,
    int replicas,
    boolean sweep,
    Path out,
    Set<String> only) {

  public static final String USAGE = """
      usage: mesh-bench [--quick | --full] [--out FILE] [--workers W] [--rate N] [--seconds N]
                        [--tasks N] [--poll-records N] [--jit-warmup SECONDS] [--only key,key,...]
                        [--partitions P] [--replicas R] [--sweep]
        --quick          the whole run in about two minutes (default: the full profile, about 12 minutes)
        --out FILE       JSON results (default mesh-bench/target/bench-results.json, or ./bench-results.json)
        --workers W      competing claimers in every scenario (default 4)
        --rate N         offered tasks/s of the latency run (full 1000, quick 400); a second latency run
                         offers half of what single submits achieved in this run, a third a tenth of it
        --seconds N      length of the latency run (full 5, quick 2; the second runs twice, the third
                         four times as long)
        --tasks N        tasks of each Workmesh queue-path run
        --slots N        slots of each task-worker in the queue scenarios (default 50)
        --poll-records N task-worker.poll-records in the batched queue scenarios (default 50, at most --slots)
        --subagent-slots N  slots of each task-worker in the subagent scenario (default 4)
        --jit-warmup SECONDS  at most how long Workmesh runs before its first measured scenario, until
                         the JIT has compiled its path (full 360, quick 45; 0: none)
        --only KEYS      run only these scenarios: raw-single, raw-batched, db-scheduler, queue-single,
                         queue-batched, queue-drain, queue-drain-per-task, spawn-bare, subagent, latency,
                         latency-sustainable, latency-light, request-cost
        --partitions P   partitions of the pooled topic (mesh-api.kafka.partitions) in the Workmesh
                         scenarios (default: mesh-api's, 6)
        --replicas R     mesh-api replicas in the Workmesh scenarios, workers spread over them (default 1)
        --sweep          run the scaling sweep (key "scaling"): pre-filled drain and batched submit for
                         W = 1, 2, 4, 8, for P = 1, 6, 24 and R = 1, 2 at W = 4, each against db-scheduler
                         with the same W; alone, or after the scenarios --only names
      """;

  /** The scaling sweep's key in the results: not one of {@link #SCENARIOS}, it runs only when asked for. */
  public static final String SWEEP = "scaling";

  /** The most mesh-api replicas one bench JVM starts: each holds a pool of 20 database connections. */
  public static final int MAX_REPLICAS = 4;

  public static final List<String> SCENARIOS = List.of("raw-single", "raw-batched", "db-scheduler", "queue-single",
      "queue-batched", "queue-drain", "queue-drain-per-task", "spawn-bare", "subagent", "latency", "latency-sustainable",
      "latency-light", "request-cost");

  public BenchOptions {
    only = Set.copyOf(only);
    for (String key : only) {
      if (!SCENARIOS.contains(key)) {
        throw new IllegalArgumentException("--only: unknown scenario '" + key + "'; known: " + SCENARIOS);
      }
    }
    positive("workers", workers);
    positive("raw tasks", rawTasks);
    positive("raw batch", rawBatch);
    positive("db-scheduler tasks", peerTasks);
    positive("tasks", meshTasks);
    positive("subagent tasks", subagentTasks);
    positive("submit threads", submitThreads);
    positive("poll-records", pollRecords);
    positive("subagent-slots", subagentSlots);
    positive("rate", latencyRate);
    positive("seconds", latencySeconds);
    if (partitions < 0 || partitions > 1_000) {
      throw new IllegalArgumentException("--partitions must be 1 to 1000 (0: mesh-api's own), got " + partitions);
    }
    if (replicas < 1 || replicas > MAX_REPLICAS) {
      throw new IllegalArgumentException("--replicas must be 1 to " + MAX_REPLICAS + ", got " + replicas);
    }
    if (jitWarmupSeconds < 0 || jitWarmupSeconds > 600) {
      throw new IllegalArgumentException("--jit-warmup must be 0 to 600 seconds, got " + jitWarmupSeconds);
    }
    if (submitBatch < 1 || submitBatch > 1_000) {
      throw new IllegalArgumentException(
          "the submit batch must be 1 to 1000 tasks (mesh-api's limit), got " + submitBatch);
    }
    if (slots < 1 || slots > 100) {
      throw new IllegalArgumentException("--slots must be 1 to 100 (task-worker's limit), got " + slots);
    }
    if (pollRecords > slots) {
      throw new IllegalArgumentException("--poll-records must be at most --slots (" + slots + "), got " + pollRecords);
    }
    if (subagentSlots > 100) {
      throw new IllegalArgumentException("--subagent-slots must be 1 to 100 (task-worker's limit), got " + subagentSlots);
    }
  }

  public static BenchOptions full() {
    return new BenchOptions("full", 4, 40_000, 100, 20_000, 3_000, 600, 300, 360, 4, 100, 50, 50, 4, 1_000, 5,
        0, 1, false, defaultOut(), Set.of());
  }

  public static BenchOptions quick() {
    return new BenchOptions("quick", 4, 10_000, 100, 5_000, 400, 80, 80, 45, 4, 100, 50, 50, 4, 400, 2,
        0, 1, false, defaultOut(), Set.of());
  }

  /** The module's test: every scenario, end to end, on tens of tasks (the baselines on hundreds). */
  public static BenchOptions tiny(Path out) {
    return new BenchOptions("tiny", 2, 1_000, 100, 500, 60, 20, 10, 1, 2, 50, 20, 20, 2, 100, 1, 0, 1, false, out, Set.of());
  }

  public boolean runs(String scenario) {
    return only.isEmpty() ? !sweep : only.contains(scenario);
  }

  /** Parses the command line ({@link BenchArguments}); throws IllegalArgumentException with what to change. */
  public static BenchOptions parse(String[] args) {
    return BenchArguments.parse(args);
  }

  public BenchOptions withOut(Path path) {
    return with(w -> w.out = path);
  }

  public BenchOptions withOnly(Set<String> keys) {
    return with(w -> w.only = keys);
  }

  private static Path defaultOut() {
    Path target = Path.of("mesh-bench", "target");
    return (target.toFile().isDirectory() ? target : Path.of(".")).resolve("bench-results.json");
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  /** A mutable copy, so that flags can change one value at a time. */
  static final class Editable {
    String profile;
    int workers, rawTasks, rawBatch, peerTasks, meshTasks, subagentTasks, warmupTasks, jitWarmupSeconds;
    int submitThreads, submitBatch;
    int slots, pollRecords, subagentSlots, latencyRate, latencySeconds, partitions, replicas;
    boolean sweep;
    Path out;
    Set<String> only;
  }

  /** The same run with W workers, P partitions and R replicas: one point of the sweep. */
  public BenchOptions at(int workers, int partitions, int replicas) {
    return with(w -> {
      w.workers = workers;
      w.partitions = partitions;
      w.replicas = replicas;
    });
  }

  BenchOptions with(java.util.function.Consumer<Editable> change) {
    Editable e = new Editable();
    e.profile = profile;
    e.workers = workers;
    e.rawTasks = rawTasks;
    e.rawBatch = rawBatch;
    e.peerTasks = peerTasks;
    e.meshTasks = meshTasks;
    e.subagentTasks = subagentTasks;
    e.warmupTasks = warmupTasks;
    e.jitWarmupSeconds = jitWarmupSeconds;
    e.submitThreads = submitThreads;
    e.submitBatch = submitBatch;
    e.slots = slots;
    e.pollRecords = pollRecords;
    e.subagentSlots = subagentSlots;
    e.latencyRate = latencyRate;
    e.latencySeconds = latencySeconds;
    e.partitions = partitions;
    e.replicas = replicas;
    e.sweep = sweep;
    e.out = out;
    e.only = only;
    change.accept(e);
    return new BenchOptions(e.profile, e.workers, e.rawTasks, e.rawBatch, e.peerTasks, e.meshTasks, e.subagentTasks,
        e.warmupTasks, e.jitWarmupSeconds, e.submitThreads, e.submitBatch, e.slots, e.pollRecords, e.subagentSlots, e.latencyRate,
        e.latencySeconds, e.partitions, e.replicas, e.sweep, e.out, e.only);
  }
}
