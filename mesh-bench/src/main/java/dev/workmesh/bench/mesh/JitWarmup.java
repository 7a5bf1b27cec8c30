package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.JitRounds;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import dev.workmesh.client.model.TaskRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs Workmesh's path before the first measured Workmesh scenario until the JIT has compiled it, the
 * state a mesh-api and a task-worker that have been serving for a while are in. Without it the first
 * scenarios measure interpreted and C1-compiled code: the C2 compiler was still compiling mesh-api's
 * request path after 10,000 requests, and a single-submit scenario run after a warm-up of a few hundred
 * tasks ran at twice the rate of the same scenario run cold. The raw loop and db-scheduler warm up the
 * same way (a pre-run on the same code), only they have far less code to compile.
 *
 * <p>{@link JitRounds} of single submits (from the submit threads) and batched submits run through
 * task-workers with the in-process runtime, on a stack of their own, first with batched claims, then with
 * one-record-per-poll claims, each mode with half of {@code --jit-warmup} seconds (counted from its stack's
 * start); then batched submits of {@code /bin/true} tasks through the exec runtime, as the subagent
 * scenario runs them, for a third of it more. Its tasks are audited like any scenario's, and it is reported
 * as a row of its own (no ratio).
 */
public final class JitWarmup {

  public static final String KEY = "jit-warmup";

  private JitWarmup() {}

  /**
   * One part of the warm-up, for {@code share} at most: task-workers claiming in {@code mode}, running
   * no-op tasks from single and batched submits, or with {@code subagents}, {@code /bin/true} tasks from
   * batched submits (as the subagent scenario does).
   */
  private record Phase(String name, BenchWorkers.Mode mode, boolean subagents, Duration share) {}

  public static ScenarioResult run(BenchInfra infra, BenchOptions o, Consumer<String> progress)
      throws InterruptedException {
    long start = System.nanoTime();
    Duration half = Duration.ofSeconds(o.jitWarmupSeconds()).dividedBy(2);
    List<Phase> phases = List.of(
        new Phase("batched", BenchWorkers.Mode.BATCHED, false, half),
        new Phase("per-task", BenchWorkers.Mode.PER_TASK, false, half),
        // The exec runtime's path (attempt directory, launcher, supervision), with a third of the time on top.
        new Phase("subagents", BenchWorkers.Mode.BATCHED, true, Duration.ofSeconds(o.jitWarmupSeconds()).dividedBy(3)));
    List<Long> compileMs = new ArrayList<>();
    long tasks = 0;
    boolean settled = true;
    Audit audit = new Audit(0, 0, 0, 0, List.of());
    for (Phase phase : phases) {
      try (MeshStack stack = MeshStack.open(infra, KEY + "-" + phase.name())) {
        stack.startWorkers(o, phase.mode(), phase.subagents());
        int round = phase.subagents() ? o.subagentTasks() : o.warmupTasks() * 2;
        IntFunction<TaskRequest> task = phase.subagents() ? WorkmeshScenarios::trueTask : WorkmeshScenarios::noOpTask;
        long[] done = {0};
        JitRounds.Outcome outcome = JitRounds.run(phase.share(), () -> {
          if (!phase.subagents()) {
            stack.submit(round, o.submitThreads(), 1, task);
            done[0] += round;
          }
          stack.submit(round, o.submitThreads(), Math.min(o.submitBatch(), round), task);
          done[0] += round;
          stack.awaitCompletions(done[0]);
        });
        progress.accept(String.format(Locale.ROOT, "   jit warm-up, %s: %d rounds of %d tasks, ms compiling"
            + " per round %s, ms per round %s%s", phase.name(), outcome.rounds(), (phase.subagents() ? 1 : 2) * round,
            outcome.compileMsByRound(), outcome.wallMsByRound(), outcome.settled() ? "" : " (not settled)"));
        compileMs.addAll(outcome.compileMsByRound());
        settled &= outcome.settled();
        tasks += done[0];
        audit = audit.plus(stack.audit());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("why", "not measured: runs Workmesh's path until the JIT has compiled it, as in a mesh that has"
        + " been serving for a while; rounds of single and batched submits with batched claims, then with"
        + " one-record-per-poll claims, then batched submits of /bin/true tasks through the exec runtime, each"
        + " part until a round spends under 5% of its time compiling");
    details.put("compile_ms_by_round", compileMs);
    details.put("settled", settled);
    details.put("limit_seconds", o.jitWarmupSeconds());
    return new ScenarioResult(KEY, "JIT warm-up (not measured)", tasks, seconds, ScenarioResult.rate(tasks, seconds),
        null, audit, details);
  }
}
