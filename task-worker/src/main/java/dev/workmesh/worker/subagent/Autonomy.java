package dev.workmesh.worker.subagent;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How much an agent CLI may do without a person approving, set per runtime with {@code
 * task-worker.autonomy.<runtime>}. {@link BuiltInRuntimes} maps it to each CLI's own flags.
 */
public enum Autonomy {
  /** Read files and answer; no edits, no commands. */
  READ_ONLY("read_only"),
  /** Read and edit files and run commands in the attempt's working directory. The default. */
  WORKSPACE("workspace"),
  /** Every tool, unconfined: for workers that are themselves a sandbox (a container, a VM). */
  FULL("full");

  private final String configName;

  Autonomy(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Reads {@code read_only}, {@code workspace} or {@code full} (case and '-' or '_' do not matter). */
  public static Autonomy parse(String runtime, String value) {
    String normalized = value == null ? "" : value.strip().toLowerCase().replace('-', '_');
    return Arrays.stream(values())
        .filter(a -> a.configName.equals(normalized))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "task-worker.autonomy.%s is '%s'; use one of %s".formatted(
                runtime, value, Arrays.stream(values()).map(Autonomy::configName).collect(Collectors.joining(", ")))));
  }
}
