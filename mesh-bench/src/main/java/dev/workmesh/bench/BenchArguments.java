package dev.workmesh.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * mesh-bench's command line (see {@link BenchOptions#USAGE}), read by picocli: a profile flag picks the
 * sizes and each value option overrides one of them. A bad value is refused naming the option, what it
 * expects and what it got.
 */
@Command(name = "mesh-bench")
final class BenchArguments {

  @Option(names = "--quick") boolean quick;
  @Option(names = "--full") boolean full;
  @Option(names = "--out", paramLabel = "FILE") Path out;
  @Option(names = "--workers", paramLabel = "W", converter = AtLeastOne.class) Integer workers;
  @Option(names = "--rate", paramLabel = "N", converter = AtLeastOne.class) Integer rate;
  @Option(names = "--seconds", paramLabel = "N", converter = AtLeastOne.class) Integer seconds;
  @Option(names = "--tasks", paramLabel = "N", converter = AtLeastOne.class) Integer tasks;
  @Option(names = "--poll-records", paramLabel = "N", converter = AtLeastOne.class) Integer pollRecords;
  @Option(names = "--slots", paramLabel = "N", converter = WorkerSlots.class) Integer slots;
  @Option(names = "--subagent-slots", paramLabel = "N", converter = WorkerSlots.class) Integer subagentSlots;
  @Option(names = "--jit-warmup", paramLabel = "SECONDS", converter = WarmupSeconds.class) Integer jitWarmup;
  @Option(names = "--only", paramLabel = "KEYS", converter = ScenarioKeys.class) Scenarios only;
  @Option(names = "--partitions", paramLabel = "P", converter = Partitions.class) Integer partitions;
  @Option(names = "--replicas", paramLabel = "R", converter = Replicas.class) Integer replicas;
  @Option(names = "--sweep") boolean sweep;

  private BenchArguments() {}

  /** The options of a command line; throws IllegalArgumentException saying which option is wrong and why. */
  static BenchOptions parse(String[] args) {
    BenchArguments a = new BenchArguments();
    CommandLine line = new CommandLine(a).setOverwrittenOptionsAllowed(true);
    try {
      line.parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
    BenchOptions o = a.quick ? BenchOptions.quick() : BenchOptions.full();
    return o.with(w -> {
      w.out = a.out == null ? w.out : a.out;
      w.workers = a.workers == null ? w.workers : a.workers;
      w.latencyRate = a.rate == null ? w.latencyRate : a.rate;
      w.latencySeconds = a.seconds == null ? w.latencySeconds : a.seconds;
      w.meshTasks = a.tasks == null ? w.meshTasks : a.tasks;
      w.pollRecords = a.pollRecords == null ? w.pollRecords : a.pollRecords;
      w.slots = a.slots == null ? w.slots : a.slots;
      w.subagentSlots = a.subagentSlots == null ? w.subagentSlots : a.subagentSlots;
      w.jitWarmupSeconds = a.jitWarmup == null ? w.jitWarmupSeconds : a.jitWarmup;
      w.only = a.only == null ? w.only : a.only.keys();
      w.partitions = a.partitions == null ? w.partitions : a.partitions;
      w.replicas = a.replicas == null ? w.replicas : a.replicas;
      w.sweep = a.sweep;
    });
  }

  /** A wrong command line in the user's terms: the option, what it expects, what it got. */
  static String describe(ParameterException e) {
    if (e.getCause() instanceof TypeConversionException expected && e.getArgSpec() instanceof OptionSpec option) {
      return option.longestName() + " " + expected.getMessage() + ", got \"" + e.getValue() + "\"";
    }
    if (e instanceof CommandLine.MissingParameterException missing && missing.getMissing().size() == 1
        && missing.getMissing().getFirst() instanceof OptionSpec option) {
      return option.longestName() + " needs a value";
    }
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      return "unknown argument '" + unmatched.getUnmatched().getFirst() + "'";
    }
    return e.getMessage();
  }

  /** A whole number from {@code min} to {@code max}; refused saying what is expected. */
  private abstract static class WholeNumberIn implements ITypeConverter<Integer> {
    private final Range range;

    WholeNumberIn(int min, int max, String expected) {
      range = new Range(min, max, expected);
    }

    @Override
    public Integer convert(String value) {
      return wholeNumber(value, range.min(), range.max(), range.expected());
    }
  }

  private record Range(int min, int max, String expected) {}

  static final class AtLeastOne extends WholeNumberIn {
    AtLeastOne() {
      super(1, Integer.MAX_VALUE, "expects a whole number of at least 1");
    }
  }

  /** {@code task-worker.max-concurrent-subagents}: task-worker takes 1 to 100. */
  static final class WorkerSlots extends WholeNumberIn {
    WorkerSlots() {
      super(1, 100, "expects a whole number from 1 to 100 (task-worker's limit)");
    }
  }

  /** Seconds of JIT warm-up: 0 (none) to 600. */
  static final class WarmupSeconds extends WholeNumberIn {
    WarmupSeconds() {
      super(0, 600, "expects a whole number of seconds from 0 to 600");
    }
  }

  /** Partitions of a topic: Kafka takes 1 and more; a bench on one broker has no use for over 1000. */
  static final class Partitions extends WholeNumberIn {
    Partitions() {
      super(1, 1_000, "expects a whole number of partitions from 1 to 1000");
    }
  }

  /** mesh-api replicas started in the bench's JVM. */
  static final class Replicas extends WholeNumberIn {
    Replicas() {
      super(1, BenchOptions.MAX_REPLICAS,
          "expects a whole number of mesh-api replicas from 1 to " + BenchOptions.MAX_REPLICAS);
    }
  }

  /** The scenarios {@code --only} names. */
  record Scenarios(Set<String> keys) {}

  /** Comma-separated keys of {@link BenchOptions#SCENARIOS}; blanks are skipped, case is ignored. */
  static final class ScenarioKeys implements ITypeConverter<Scenarios> {
    @Override
    public Scenarios convert(String value) {
      Set<String> keys = new LinkedHashSet<>();
      for (String k : value.split(",")) {
        String key = k.strip().toLowerCase(Locale.ROOT);
        if (!key.isEmpty() && !BenchOptions.SCENARIOS.contains(key)) {
          throw new TypeConversionException("expects scenario keys from " + BenchOptions.SCENARIOS
              + " (unknown: '" + key + "')");
        }
        if (!key.isEmpty()) {
          keys.add(key);
        }
      }
      return new Scenarios(keys);
    }
  }

  private static int wholeNumber(String value, int min, int max, String expected) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(expected);
    }
    if (n < min || n > max) {
      throw new TypeConversionException(expected);
    }
    return n;
  }
}
