package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import dev.workmesh.bench.BenchRun;
import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.infra.CpuMeter;
import dev.workmesh.bench.mesh.WorkmeshScenarios.Submission;
import dev.workmesh.bench.peer.DbSchedulerPeer;
import dev.workmesh.bench.report.ScalingReport;
import dev.workmesh.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How throughput follows the layout of the mesh: the pre-filled drain and batched submit (the queue
 * scenarios' own code) at W = 1, 2, 4, 8 task-workers, then at W = 4 with P = 1 and 24 partitions of the
 * pooled topic and with R = 2 mesh-api replicas. db-scheduler runs once per W as the ratios' base. Each
 * run's CPU per task by component says which part grows with the load: PostgreSQL's share is where the
 * database saturates.
 */
public final class ScalingSweep {

  static final List<Integer> WORKERS = List.of(1, 2, 4, 8);
  static final int BASE_WORKERS = 4;
  static final int BASE_PARTITIONS = 6;
  static final List<Integer> PARTITIONS = List.of(1, 24);
  static final List<Integer> REPLICAS = List.of(2);

  private ScalingSweep() {}

  /** The layouts the sweep runs, in order: {varies, W, P, R}. */
  public static List<Layout> layouts() {
    List<Layout> layouts = new ArrayList<>();
    WORKERS.forEach(w -> layouts.add(new Layout("workers", w, BASE_PARTITIONS, 1)));
    PARTITIONS.forEach(p -> layouts.add(new Layout("partitions", BASE_WORKERS, p, 1)));
    REPLICAS.forEach(r -> layouts.add(new Layout("replicas", BASE_WORKERS, BASE_PARTITIONS, r)));
    return layouts;
  }

  /** One point of the sweep. */
  public record Layout(String varies, int workers, int partitions, int replicas) {
    String label() {
      return "W=" + workers + " P=" + partitions + " R=" + replicas;
    }
  }

  public static ScalingReport run(BenchInfra infra, BenchOptions o, Consumer<String> progress)
      throws InterruptedException {
    return run(infra, o, progress, layouts());
  }

  /** The sweep over these layouts (a test runs fewer than {@link #layouts()}). */
  public static ScalingReport run(BenchInfra infra, BenchOptions o, Consumer<String> progress, List<Layout> layouts)
      throws InterruptedException {
    Map<Integer, ScenarioResult> peer = new LinkedHashMap<>();
    List<ScalingReport.Point> points = new ArrayList<>();
    for (Layout layout : layouts) {
      if (!peer.containsKey(layout.workers())) {
        progress.accept("   scaling: db-scheduler, W=" + layout.workers() + " ...");
        peer.put(layout.workers(), DbSchedulerPeer.run("db-scheduler", infra.newDatabase("scaling_db_scheduler"),
            infra.cpu(), o.peerTasks(), layout.workers()));
      }
      double base = peer.get(layout.workers()).tasksPerSecond();
      BenchOptions at = o.at(layout.workers(), layout.partitions(), layout.replicas());
      ScalingReport.Run drain = measure(infra, at, Submission.PREFILLED, base, layout, progress);
      ScalingReport.Run batched = measure(infra, at, Submission.BATCHED, base, layout, progress);
      points.add(new ScalingReport.Point(layout.varies(), layout.workers(), layout.partitions(), layout.replicas(),
          drain, batched));
    }
    return new ScalingReport(points, peer, List.of(
        "Each point runs the queue-drain and queue-batched scenarios' code with its own W, P and R, in a database and"
            + " topic prefix of its own; db-scheduler drains the same number of tasks as in the main run with the same"
            + " W, in this run, and is the base of the ratios.",
        "P is mesh-api.kafka.partitions, read back from the broker as the pooled topic's partition count. R mesh-api"
            + " replicas run in the bench's JVM over the same PostgreSQL and broker; task-worker uses one API URL at a"
            + " time and fails over, so worker i starts on replica i mod R.",
        "CPU per task is by component (PostgreSQL from /proc, the rest by thread of this JVM); PostgreSQL's share of"
            + " it is what a faster or larger database buys."));
  }

  private static ScalingReport.Run measure(BenchInfra infra, BenchOptions o, Submission submission, double base,
      Layout layout, Consumer<String> progress) throws InterruptedException {
    String key = "scaling-" + submission.key;
    try (MeshStack stack = MeshStack.open(infra, key, MeshTopology.of(o))) {
      ScenarioResult r = WorkmeshScenarios.throughput(stack, infra.cpu(), o, submission, false, o.meshTasks(),
          WorkmeshScenarios::noOpTask, submission.label, key);
      @SuppressWarnings("unchecked")
      Map<String, Double> cpu = (Map<String, Double>) r.details().get("cpu_ms_per_task");
      double total = cpu.getOrDefault("total", 0.0);
      double postgres = cpu.getOrDefault(CpuMeter.POSTGRES, 0.0);
      ScalingReport.Run run = new ScalingReport.Run(r.tasks(), r.seconds(), r.tasksPerSecond(),
          BenchRun.significant(r.tasksPerSecond() / base), cpu, total <= 0 ? 0 : Math.round(1000 * postgres / total) / 1000.0,
          stack.pooledTopicPartitions(), stack.servedByReplica(), r.audit());
      progress.accept(String.format(java.util.Locale.ROOT, "   scaling %s %s: %.0f tasks/s = %.3gx db-scheduler,"
              + " %.2f ms CPU/task (PostgreSQL %.0f%%); audit %s", layout.label(), submission.key,
          run.tasksPerSecond(), run.overDbScheduler(), total, 100 * run.postgresShare(), r.audit().verdict()));
      return run;
    }
  }
}
