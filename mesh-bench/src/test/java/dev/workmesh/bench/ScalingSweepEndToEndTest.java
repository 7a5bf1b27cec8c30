package dev.workmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.bench.infra.BenchInfra;
import dev.workmesh.bench.mesh.ScalingSweep;
import dev.workmesh.bench.report.BenchReport;
import dev.workmesh.bench.report.ResultsJson;
import dev.workmesh.bench.report.ResultsTable;
import dev.workmesh.bench.report.ScalingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaling sweep end to end on the tiny profile against real embedded PostgreSQL and Kafka. The whole sweep
 * is seven points of two scenarios each, minutes on this machine, so the test checks the list of points and
 * runs one point off every default: two workers on 24 partitions and two replicas. It runs with its own layout (the pooled topic has the
 * partitions asked for, as the broker says; with two mesh-api replicas both serve claims and reports, as their
 * own meters say), every task exactly once, and the sweep lands in the JSON under its own key. No timing is
 * asserted: this machine is shared.
 */
class ScalingSweepEndToEndTest {

  @TempDir
  Path dir;

  @Test
  void theSweepCoversWorkersPartitionsAndReplicas() {
    assertThat(ScalingSweep.layouts()).extracting(l -> List.of(l.workers(), l.partitions(), l.replicas()))
        .containsExactly(List.of(1, 6, 1), List.of(2, 6, 1), List.of(4, 6, 1), List.of(8, 6, 1),
            List.of(4, 1, 1), List.of(4, 24, 1), List.of(4, 6, 2));
  }

  @Test
  void aPointRunsWithItsLayoutAndEveryTaskExactlyOnce() throws Exception {
    BenchOptions options = BenchOptions.tiny(dir.resolve("bench-results.json"))
        .with(w -> {
          w.sweep = true;
          w.jitWarmupSeconds = 0;
        });
    List<ScalingSweep.Layout> layouts = List.of(new ScalingSweep.Layout("replicas", 2, 24, 2));
    ScalingReport sweep;
    try (BenchInfra infra = BenchInfra.start()) {
      sweep = ScalingSweep.run(infra, options, System.out::println, layouts);
    }
    BenchReport report = BenchRun.report(options, java.time.Instant.now(), 0, 0, List.of(), sweep);
    System.out.print(ResultsTable.render(report));

    assertThat(sweep.points()).extracting(p -> List.of(p.workers(), p.partitions(), p.replicas()))
        .containsExactly(List.of(2, 24, 2));
    assertThat(sweep.dbScheduler()).containsOnlyKeys(2);
    sweep.dbScheduler().values().forEach(r -> assertThat(r.tasksPerSecond()).isPositive());
    for (ScalingReport.Point p : sweep.points()) {
      for (ScalingReport.Run run : List.of(p.drain(), p.batched())) {
        String at = "W=" + p.workers() + " P=" + p.partitions() + " R=" + p.replicas();
        assertThat(run.audit().problems()).as(at + " audit problems").isEmpty();
        assertThat(run.audit().exactlyOnce()).as(at + " exactly once").isEqualTo(run.audit().expected())
            .isGreaterThanOrEqualTo(run.tasks());
        assertThat(run.tasks()).as(at + " tasks").isEqualTo(options.meshTasks());
        assertThat(run.tasksPerSecond()).as(at + " tasks/s").isPositive();
        assertThat(run.overDbScheduler()).as(at + " ratio").isPositive();
        assertThat(run.cpuMsPerTask().get("total")).as(at + " CPU per task").isPositive();
        assertThat(run.postgresShare()).as(at + " PostgreSQL's share").isGreaterThan(0.0).isLessThan(1.0);
        assertThat(run.pooledTopicPartitions()).as(at + " the broker's partitions of the pooled topic")
            .isEqualTo(p.partitions());
        assertThat(run.servedByReplica()).as(at + " replicas").hasSize(p.replicas());
        for (Map<String, Long> served : run.servedByReplica()) {
          assertThat(served.get("claimed")).as(at + " claims a replica served").isPositive();
          assertThat(served.get("reported")).as(at + " reports a replica served").isPositive();
        }
      }
    }
    assertThat(report.auditsClean()).isTrue();

    ResultsJson.write(report, options.out());
    assertThat(Files.readString(options.out())).contains("\"scaling\"", "\"pooled_topic_partitions\"",
        "\"served_by_replica\"");
  }
}
