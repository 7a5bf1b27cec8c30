package dev.workmesh.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  private static final long MS = 1_000_000;

  @Test
  void theGroupsAddUpToWhatTheMachineSpent() {
    var before = new CpuMeter.Snapshot(0, Map.of("kafka broker", 10 * MS, CpuMeter.POSTGRES, 0L), 100 * MS, 1_000 * MS);
    var after = new CpuMeter.Snapshot(100 * MS, Map.of("kafka broker", 30 * MS, CpuMeter.POSTGRES, 5 * MS), 150 * MS, 1_100 * MS);

    Map<String, Double> perTask = CpuMeter.perTask(before, after, 1, Map.of("subagent supervision", 4 * MS));

    assertThat(perTask).containsEntry("kafka broker", 20.0).containsEntry(CpuMeter.POSTGRES, 5.0)
        .containsEntry("subagent supervision", 4.0);
    // The process spent 50 ms; its live threads 20 and the ended one that reported its own 4.
    assertThat(perTask).containsEntry(CpuMeter.JVM_UNATTRIBUTED, 26.0);
    // The machine spent 100 ms: 50 in this process, 5 in PostgreSQL, 45 elsewhere.
    assertThat(perTask).containsEntry(CpuMeter.REST_OF_MACHINE, 45.0);
    assertThat(perTask.get("total")).isEqualTo(100.0);
    assertThat(perTask.get("cores_used")).isCloseTo(1.0, within(0.001));
  }

  @Test
  void withoutTheMachineCountersOnlyTheProcessAndPostgresqlAreCounted() {
    var before = new CpuMeter.Snapshot(0, Map.of("kafka broker", 0L, CpuMeter.POSTGRES, 0L), 0, -1);
    var after = new CpuMeter.Snapshot(10 * MS, Map.of("kafka broker", 4 * MS, CpuMeter.POSTGRES, 2 * MS), 5 * MS, -1);

    Map<String, Double> perTask = CpuMeter.perTask(before, after, 1);

    assertThat(perTask).doesNotContainKey(CpuMeter.REST_OF_MACHINE).containsEntry(CpuMeter.JVM_UNATTRIBUTED, 1.0);
    assertThat(perTask.get("total")).isEqualTo(7.0);
  }

  @Test
  void aRealSnapshotSeesTheJvmsOwnThreadsAndTheMachine() {
    CpuMeter.Snapshot snapshot = new CpuMeter(-1).take();

    assertThat(snapshot.processCpuNanos()).isPositive();
    assertThat(snapshot.machineBusyNanos()).isGreaterThanOrEqualTo(snapshot.processCpuNanos());
    assertThat(snapshot.cpuNanos()).containsKey(CpuMeter.JVM_JIT);
  }
}
