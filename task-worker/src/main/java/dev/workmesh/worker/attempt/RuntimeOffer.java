package dev.workmesh.worker.attempt;

import dev.workmesh.worker.config.TaskWorkerProperties;
import dev.workmesh.worker.subagent.RuntimeAvailability;
import dev.workmesh.worker.subagent.RuntimeCatalog;
import dev.workmesh.worker.subagent.SubagentSettings;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runtimes this worker offers, checked at start-up: the configured runtimes must exist, a runtime
 * whose binary is missing is not offered (with a warning that says how to fix it), and
 * {@code task-worker.runtimes} narrows the rest.
 */
public final class RuntimeOffer {

  private static final Logger log = LoggerFactory.getLogger(RuntimeOffer.class);

  private RuntimeOffer() {}

  /** The runtimes the configuration defines; a bad definition throws with the key to fix. */
  public static RuntimeCatalog catalog(SubagentSettings settings) {
    try {
      return RuntimeCatalog.from(settings);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "task-worker." + e.getMessage() + " (write map keys that contain '_' in brackets, e.g."
              + " task-worker.binaries[claude_code]: without them Spring drops the '_')", e);
    }
  }

  /**
   * The runtimes to offer: the in-process ones, and those of {@code catalog} whose binary is there and
   * that {@code task-worker.runtimes} allows.
   *
   * @throws IllegalArgumentException when {@code task-worker.runtimes} names a runtime nobody defines
   */
  public static Set<String> offered(TaskWorkerProperties properties, RuntimeCatalog catalog, Set<String> inProcessRuntimes) {
    if (properties.runtimes() != null) {
      for (String name : properties.runtimes()) {
        if (!catalog.names().contains(name) && !inProcessRuntimes.contains(name)) {
          throw new IllegalArgumentException(
              "task-worker.runtimes lists '%s', which is no runtime of this worker; known runtimes: %s (add it under task-worker.extra-runtimes)"
                  .formatted(name, catalog.names().stream().sorted().toList()));
        }
      }
    }
    RuntimeAvailability availability = catalog.available();
    Set<String> offered = new LinkedHashSet<>(inProcessRuntimes);
    for (String name : availability.available()) {
      if (properties.runtimes() == null || properties.runtimes().contains(name)) {
        offered.add(name);
      }
    }
    for (RuntimeAvailability.Missing missing : availability.missing()) {
      if (properties.runtimes() == null || properties.runtimes().contains(missing.runtime())) {
        log.warn("Runtime '{}' is not offered: its binary '{}' is not {}; install it or set task-worker.binaries[{}]",
            missing.runtime(), missing.binary(), missing.binary().contains("/") ? "an executable file" : "on PATH", missing.runtime());
      }
    }
    if (properties.defaultRuntime() != null && !offered.contains(properties.defaultRuntime())) {
      log.warn("task-worker.default-runtime is '{}', which this worker does not offer; tasks that fall back to it are handed back",
          properties.defaultRuntime());
    }
    log.info("Offering runtimes {}", offered);
    return offered;
  }
}
