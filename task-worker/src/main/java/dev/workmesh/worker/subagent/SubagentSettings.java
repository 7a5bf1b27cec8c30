package dev.workmesh.worker.subagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How subagents are run. Plain record, so the worker's {@code @ConfigurationProperties} record can
 * nest it; a null field takes its default.
 *
 * @param dataDir the worker's data directory: attempts under {@code attempts/<attemptId>}, repository
 *     mirrors under {@code repos/}. Required.
 * @param killGrace time between SIGTERM and SIGKILL when stopping a process tree; default 10s
 * @param logMaxBytes size at which {@code attempt.log} is rotated; default 10 MiB
 * @param logMaxFiles rotated files kept ({@code attempt.log.1} newest); default 3, 0 keeps none
 * @param logTailBytes how much of the end of the output is kept for the attempt's log tail; default 8 KiB
 * @param resultMaxBytes cap on the result (stdout, or the result file); default 1 MiB
 * @param gitTimeout limit for each git clone, fetch or worktree command; default 10 min
 * @param binaries runtime name to binary (name on PATH or path), replacing the runtime's own; default none
 * @param runtimes extra runtimes, or replacements of built-ins by name; default none
 * @param autonomy runtime name ({@code claude_code}, {@code codex}, {@code gemini}) to how much its
 *     agent may do unapproved; default {@link Autonomy#WORKSPACE} for each
 */
public record SubagentSettings(
    Path dataDir,
    Duration killGrace,
    Long logMaxBytes,
    Integer logMaxFiles,
    Integer logTailBytes,
    Integer resultMaxBytes,
    Duration gitTimeout,
    Map<String, String> binaries,
    List<RuntimeDefinition> runtimes,
    Map<String, Autonomy> autonomy) {

  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
  public static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;
  public static final int DEFAULT_LOG_MAX_FILES = 3;
  public static final int DEFAULT_LOG_TAIL_BYTES = 8 * 1024;
  public static final int DEFAULT_RESULT_MAX_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_GIT_TIMEOUT = Duration.ofMinutes(10);

  public SubagentSettings {
    Objects.requireNonNull(dataDir, "dataDir is required: the directory where the worker keeps attempts and repository mirrors");
    killGrace = positive("killGrace", killGrace, DEFAULT_KILL_GRACE);
    gitTimeout = positive("gitTimeout", gitTimeout, DEFAULT_GIT_TIMEOUT);
    logMaxBytes = logMaxBytes == null ? DEFAULT_LOG_MAX_BYTES : logMaxBytes;
    logMaxFiles = logMaxFiles == null ? DEFAULT_LOG_MAX_FILES : logMaxFiles;
    logTailBytes = logTailBytes == null ? DEFAULT_LOG_TAIL_BYTES : logTailBytes;
    resultMaxBytes = resultMaxBytes == null ? DEFAULT_RESULT_MAX_BYTES : resultMaxBytes;
    require(logMaxBytes > 0, "logMaxBytes must be positive, e.g. 10485760 for 10 MiB; got " + logMaxBytes);
    require(logMaxFiles >= 0, "logMaxFiles must be 0 or more; got " + logMaxFiles);
    require(logTailBytes > 0, "logTailBytes must be positive, e.g. 8192; got " + logTailBytes);
    require(resultMaxBytes > 0, "resultMaxBytes must be positive, e.g. 1048576 for 1 MiB; got " + resultMaxBytes);
    binaries = binaries == null ? Map.of() : Map.copyOf(binaries);
    runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
    autonomy = autonomy == null ? Map.of() : Map.copyOf(autonomy);
    autonomy.keySet().forEach(runtime -> require(BuiltInRuntimes.WITH_AUTONOMY.contains(runtime),
        "autonomy is set for runtime '" + runtime + "', but only " + BuiltInRuntimes.WITH_AUTONOMY.stream().sorted().toList()
            + " take it; a configured runtime carries its own flags"));
  }

  /** Every default, in {@code dataDir}. */
  public static SubagentSettings defaults(Path dataDir) {
    return new SubagentSettings(dataDir, null, null, null, null, null, null, null, null, null);
  }

  public SubagentSettings withKillGrace(Duration grace) {
    return new SubagentSettings(dataDir, grace, logMaxBytes, logMaxFiles, logTailBytes, resultMaxBytes, gitTimeout, binaries, runtimes, autonomy);
  }

  public SubagentSettings withLogLimits(long maxBytes, int maxFiles, int tailBytes) {
    return new SubagentSettings(dataDir, killGrace, maxBytes, maxFiles, tailBytes, resultMaxBytes, gitTimeout, binaries, runtimes, autonomy);
  }

  public SubagentSettings withResultMaxBytes(int maxBytes) {
    return new SubagentSettings(dataDir, killGrace, logMaxBytes, logMaxFiles, logTailBytes, maxBytes, gitTimeout, binaries, runtimes, autonomy);
  }

  public SubagentSettings withBinary(String runtime, String binary) {
    Map<String, String> more = new LinkedHashMap<>(binaries);
    more.put(runtime, binary);
    return new SubagentSettings(dataDir, killGrace, logMaxBytes, logMaxFiles, logTailBytes, resultMaxBytes, gitTimeout, more, runtimes, autonomy);
  }

  public SubagentSettings withRuntime(RuntimeDefinition runtime) {
    List<RuntimeDefinition> more = new ArrayList<>(runtimes);
    more.add(runtime);
    return new SubagentSettings(dataDir, killGrace, logMaxBytes, logMaxFiles, logTailBytes, resultMaxBytes, gitTimeout, binaries, more, autonomy);
  }

  public SubagentSettings withAutonomy(String runtime, Autonomy level) {
    Map<String, Autonomy> more = new LinkedHashMap<>(autonomy);
    more.put(runtime, level);
    return new SubagentSettings(dataDir, killGrace, logMaxBytes, logMaxFiles, logTailBytes, resultMaxBytes, gitTimeout, binaries, runtimes, more);
  }

  Path attemptsDir() {
    return dataDir.resolve("attempts");
  }

  Path reposDir() {
    return dataDir.resolve("repos");
  }

  private static Duration positive(String name, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    require(!value.isNegative() && !value.isZero(), name + " must be a positive duration such as 10s; got " + value);
    return value;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
