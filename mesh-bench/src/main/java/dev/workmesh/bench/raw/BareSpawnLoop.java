package dev.workmesh.bench.raw;

import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.report.Audit;
import dev.workmesh.bench.report.ScenarioResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The subagent scenario's baseline: {@code /bin/true} spawned with {@link ProcessBuilder} and waited for,
 * {@code concurrency} at a time, and nothing else (no queue, no claim, no report, no attempt directory):
 * what spawning alone costs on this machine at the subagent scenario's concurrency.
 */
public final class BareSpawnLoop {

  private BareSpawnLoop() {}

  public static ScenarioResult run(String key, CpuMeter cpu, int tasks, int concurrency) throws InterruptedException {
    spawn(Math.min(tasks, 2 * concurrency), concurrency); // warm-up: the JVM's process machinery
    CpuMeter.Snapshot before = cpu.take();
    long start = System.nanoTime();
    int succeeded = spawn(tasks, concurrency);
    double seconds = (System.nanoTime() - start) / 1e9;
    CpuMeter.Snapshot after = cpu.take();
    List<String> problems = new ArrayList<>();
    if (succeeded != tasks) {
      problems.add((tasks - succeeded) + " of " + tasks + " spawns of /bin/true did not exit 0");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("concurrency", concurrency);
    details.put("command", "/bin/true, via ProcessBuilder, output discarded");
    details.put("cpu_ms_per_task", CpuMeter.perTask(before, after, tasks));
    return new ScenarioResult(key, "bare spawn loop, /bin/true x" + concurrency, tasks, seconds,
        ScenarioResult.rate(tasks, seconds), null, new Audit(tasks, succeeded, 0, tasks - succeeded, problems), details);
  }

  /** Spawns {@code tasks} processes, {@code concurrency} at a time; returns how many exited 0. */
  private static int spawn(int tasks, int concurrency) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger();
    AtomicReference<IOException> failure = new AtomicReference<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(concurrency,
        Thread.ofPlatform().name("bench-spawn-", 0).factory())) {
      for (int t = 0; t < concurrency; t++) {
        threads.execute(() -> {
          while (next.getAndIncrement() < tasks) {
            try {
              Process p = new ProcessBuilder("/bin/true").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD).start();
              if (p.waitFor() == 0) {
                succeeded.incrementAndGet();
              }
            } catch (IOException e) {
              failure.compareAndSet(null, e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });
      }
    }
    if (failure.get() != null && succeeded.get() == 0) {
      throw new IllegalStateException("cannot spawn /bin/true: " + failure.get().getMessage(), failure.get());
    }
    return succeeded.get();
  }
}
