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

  /** One part of the warm-up: task-workers claiming in {@code mode}, running {@code task}s, for {@code share} at most. */
  private record Phase(String name, BenchWorkers.Mode mode, boolean subagents, IntFunction<TaskRequest> task,
      boolean singleSubmits, Duration share) {}

  public static ScenarioResult run(BenchInfra infra, BenchOptions o, Consumer<String> progress)
      throws InterruptedException {
    long start = System.nanoTime();
    Duration half = Duration.ofSeconds(o.jitWarmupSeconds()).dividedBy(2);
    List<Phase> phases = List.of(
        new Phase("batched", BenchWorkers.Mode.BATCHED, false, WorkmeshScenarios::noOpTask, true, half),
        new Phase("per_task", BenchWorkers.Mode.PER_TASK, false, WorkmeshScenarios::noOpTask, true, half),
        // The exec runtime's path (attempt directory, launcher, supervision), with a third of the time on top.
        new Phase("subagents", BenchWorkers.Mode.BATCHED, true, WorkmeshScenarios::trueTask, false,
            Duration.ofSeconds(o.jitWarmupSeconds()).dividedBy(3)));
    List<Long> compileMs = new ArrayList<>();
    long tasks = 0;
    boolean settled = true;
    Audit audit = new Audit(0, 0, 0, 0, List.of());
    for (Phase phase : phases) {
      try (MeshStack stack = MeshStack.open(infra, KEY + "-" + phase.name().replace('_', '-'))) {
        stack.startWorkers(o, phase.mode(), phase.subagents());
        int round = phase.subagents() ? o.subagentTasks() : o.warmupTasks() * 2;
        long[] done = {0};
        JitRounds.Outcome outcome = JitRounds.run(phase.share(), () -> {
          if (phase.singleSubmits()) {
            stack.submit(round, o.submitThreads(), 1, phase.task());
            done[0] += round;
          }
          stack.submit(round, o.submitThreads(), Math.min(o.submitBatch(), round), phase.task());
          done[0] += round;
          stack.awaitCompletions(done[0]);
        });
        progress.accept(String.format(Locale.ROOT, "   jit warm-up, %s: %d rounds of %d tasks, ms compiling"
            + " per round %s, ms per round %s%s", phase.name(), outcome.rounds(), (phase.singleSubmits() ? 2 : 1) * round,
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
