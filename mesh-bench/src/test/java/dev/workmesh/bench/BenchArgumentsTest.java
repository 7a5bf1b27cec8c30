package dev.workmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark's command line: profiles, overrides, and refusals that name the option, what it expects and what it got. */
class BenchArgumentsTest {

  @Test
  void noArgumentsIsTheFullProfileAndQuickTheQuickOne() {
    assertThat(BenchOptions.parse(new String[0])).isEqualTo(BenchOptions.full());
    assertThat(BenchOptions.parse(new String[] {"--quick"})).isEqualTo(BenchOptions.quick());
    assertThat(BenchOptions.parse(new String[] {"--full", "--quick"}).profile()).isEqualTo("quick");
  }

  @Test
  void eachOptionOverridesItsValueAndTheLastOfARepeatWins() {
    BenchOptions o = BenchOptions.parse(new String[] {"--quick", "--out", "r.json", "--workers", "3", "--rate", "50",
        "--seconds", "7", "--tasks", "90", "--slots", "10", "--poll-records", "5", "--subagent-slots", "2",
        "--jit-warmup", "0", "--only", "Latency, raw-single,,", "--workers", "6"});
    assertThat(o.profile()).isEqualTo("quick");
    assertThat(o.out()).isEqualTo(Path.of("r.json"));
    assertThat(o.workers()).isEqualTo(6);
    assertThat(o.latencyRate()).isEqualTo(50);
    assertThat(o.latencySeconds()).isEqualTo(7);
    assertThat(o.meshTasks()).isEqualTo(90);
    assertThat(o.slots()).isEqualTo(10);
    assertThat(o.pollRecords()).isEqualTo(5);
    assertThat(o.subagentSlots()).isEqualTo(2);
    assertThat(o.jitWarmupSeconds()).isZero();
    assertThat(o.only()).isEqualTo(Set.of("latency", "raw-single"));
    assertThat(o.rawTasks()).isEqualTo(BenchOptions.quick().rawTasks());
  }

  @Test
  void aValueThatIsNotAWholeNumberNamesTheOptionWhatItExpectsAndWhatItGot() {
    refused("--workers high", "--workers expects a whole number of at least 1, got \"high\"");
    refused("--rate 0", "--rate expects a whole number of at least 1, got \"0\"");
    refused("--seconds 2.5", "--seconds expects a whole number of at least 1, got \"2.5\"");
    refused("--tasks -3", "--tasks expects a whole number of at least 1, got \"-3\"");
    refused("--jit-warmup 601", "--jit-warmup expects a whole number of seconds from 0 to 600, got \"601\"");
    refused("--poll-records 99999999999", "--poll-records expects a whole number of at least 1, got \"99999999999\"");
  }

  @Test
  void slotsOutOfTaskWorkersRangeAreRefused() {
    refused("--slots 101", "--slots expects a whole number from 1 to 100 (task-worker's limit), got \"101\"");
    refused("--subagent-slots 0", "--subagent-slots expects a whole number from 1 to 100 (task-worker's limit), got \"0\"");
    refused("--slots 10 --poll-records 20", "--poll-records must be at most --slots (10), got 20");
  }

  @Test
  void partitionsReplicasAndTheSweepAreTakenAndTheSweepRunsAloneUnlessOnlyNamesScenarios() {
    BenchOptions o = BenchOptions.parse(new String[] {"--quick", "--partitions", "24", "--replicas", "2"});
    assertThat(o.partitions()).isEqualTo(24);
    assertThat(o.replicas()).isEqualTo(2);
    assertThat(o.sweep()).isFalse();
    assertThat(o.runs("queue-drain")).isTrue();
    assertThat(BenchOptions.quick().partitions()).as("mesh-api's own default").isZero();
    assertThat(BenchOptions.quick().replicas()).isEqualTo(1);

    BenchOptions sweep = BenchOptions.parse(new String[] {"--quick", "--sweep", "--tasks", "300"});
    assertThat(sweep.sweep()).isTrue();
    assertThat(sweep.meshTasks()).isEqualTo(300);
    assertThat(BenchOptions.SCENARIOS).noneMatch(sweep::runs);
    BenchOptions sweepAndOne = BenchOptions.parse(new String[] {"--sweep", "--only", "db-scheduler"});
    assertThat(BenchOptions.SCENARIOS.stream().filter(sweepAndOne::runs)).containsExactly("db-scheduler");
  }

  @Test
  void partitionsAndReplicasOutOfRangeAreRefused() {
    refused("--partitions 0", "--partitions expects a whole number of partitions from 1 to 1000, got \"0\"");
    refused("--partitions six", "--partitions expects a whole number of partitions from 1 to 1000, got \"six\"");
    refused("--replicas 5", "--replicas expects a whole number of mesh-api replicas from 1 to 4, got \"5\"");
    refused("--replicas", "--replicas needs a value");
    refused("--partitions 1001", "--partitions expects a whole number of partitions from 1 to 1000, got \"1001\"");
  }

  @Test
  void anUnknownScenarioNamesTheKnownOnes() {
    refused("--only raw-single,nope", "--only expects scenario keys from " + BenchOptions.SCENARIOS
        + " (unknown: 'nope'), got \"raw-single,nope\"");
  }

  @Test
  void aMissingValueAndAnUnknownArgumentAreSaid() {
    refused("--workers", "--workers needs a value");
    refused("--fast", "unknown argument '--fast'");
    refused("quick", "unknown argument 'quick'");
  }

  private static void refused(String commandLine, String message) {
    assertThatThrownBy(() -> BenchOptions.parse(commandLine.split(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
