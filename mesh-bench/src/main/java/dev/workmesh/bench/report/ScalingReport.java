package dev.workmesh.bench.report;

import java.util.List;
import java.util.Map;

/**
 * The scaling sweep: Workmesh's pre-filled drain and batched submit at several numbers of task-workers
 * (W), partitions of the pooled topic (P) and mesh-api replicas (R), each against db-scheduler with the
 * same W measured in the same run.
 *
 * @param points every point, in the order run
 * @param dbScheduler db-scheduler's tasks/s by W (the ratios' base), with its CPU per task
 * @param notes how to read the figures
 */
public record ScalingReport(List<Point> points, Map<Integer, ScenarioResult> dbScheduler, List<String> notes) {

  public boolean auditsClean() {
    return points.stream().allMatch(p -> p.drain().audit().clean() && p.batched().audit().clean())
        && dbScheduler.values().stream().allMatch(r -> r.audit().clean());
  }

  /**
   * One layout of the mesh.
   *
   * @param varies what this point changes from W = 4, P = 6, R = 1: workers, partitions or replicas (the base
   *     point is the first of each series, and listed once, as workers)
   * @param drain the pre-filled drain
   * @param batched batched submit, end to end
   */
  public record Point(String varies, int workers, int partitions, int replicas, Run drain, Run batched) {}

  /**
   * One scenario at one point.
   *
   * @param tasksPerSecond throughput
   * @param overDbScheduler throughput over db-scheduler's with the same W
   * @param cpuMsPerTask CPU milliseconds per task by component, with {@code total} and {@code cores_used}
   * @param postgresShare PostgreSQL's part of the CPU per task (0 to 1)
   * @param pooledTopicPartitions the pooled topic's partitions, as the broker reports them
   * @param servedByReplica what each mesh-api replica served, from its own meters
   * @param audit exactly-once audit of every task of the run, warm-up included
   */
  public record Run(long tasks, double seconds, double tasksPerSecond, double overDbScheduler,
      Map<String, Double> cpuMsPerTask, double postgresShare, int pooledTopicPartitions,
      List<Map<String, Long>> servedByReplica, Audit audit) {}
}
