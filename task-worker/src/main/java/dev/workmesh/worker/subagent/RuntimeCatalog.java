package dev.workmesh.worker.subagent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runtimes this worker knows: the {@link BuiltInRuntimes}, then configured ones (replacing a
 * built-in of the same name), then binary overrides. Binaries are looked up each time, so a CLI
 * installed after start-up is seen on the next check.
 */
public final class RuntimeCatalog {

  private final Map<String, RuntimeDefinition> definitions;
  private final ExecutableLocator locator;

  RuntimeCatalog(Collection<RuntimeDefinition> definitions, Map<String, String> binaryOverrides, ExecutableLocator locator) {
    Map<String, RuntimeDefinition> byName = new LinkedHashMap<>();
    definitions.forEach(d -> byName.put(d.name(), d));
    binaryOverrides.forEach(
        (name, binary) -> {
          RuntimeDefinition definition = byName.get(name);
          if (definition == null) {
            throw new IllegalArgumentException(
                "binaries has an entry for runtime '%s', but no runtime has that name; known runtimes: %s"
                    .formatted(name, byName.keySet()));
          }
          byName.put(name, definition.withBinary(binary));
        });
    this.definitions = Map.copyOf(byName);
    this.locator = locator;
  }

  /** Built-ins plus the runtimes and binary overrides of {@code settings}, found on this process's PATH. */
  public static RuntimeCatalog from(SubagentSettings settings) {
    if (settings.autonomy().get("claude_code") == Autonomy.FULL && "root".equals(System.getProperty("user.name"))) {
      throw new IllegalArgumentException(
          "task-worker.autonomy.claude_code is full, but this worker runs as root and Claude Code refuses"
              + " bypassPermissions as root: run the worker as another user, or use workspace");
    }
    List<RuntimeDefinition> all = new ArrayList<>(BuiltInRuntimes.all(settings.autonomy()));
    all.addAll(settings.runtimes());
    return new RuntimeCatalog(all, settings.binaries(), ExecutableLocator.fromEnvironment());
  }

  public Set<String> names() {
    return definitions.keySet();
  }

  public Optional<RuntimeDefinition> definition(String name) {
    return Optional.ofNullable(definitions.get(name));
  }

  /** Checks every runtime's binary now. */
  public RuntimeAvailability available() {
    List<String> available = new ArrayList<>();
    List<RuntimeAvailability.Missing> missing = new ArrayList<>();
    definitions.values().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(
            d -> {
              if (d.binary() == null || locator.locate(d.binary()).isPresent()) {
                available.add(d.name());
              } else {
                missing.add(new RuntimeAvailability.Missing(d.name(), d.binary()));
              }
            });
    return new RuntimeAvailability(available, missing);
  }

  ResolvedRuntime resolve(AttemptSpec spec) {
    RuntimeDefinition definition = definitions.get(spec.runtime());
    if (definition == null) {
      throw new SubagentLaunchException(
          spec.attemptId(),
          "runtime '%s' is not known to this worker; it knows %s".formatted(spec.runtime(), definitions.keySet().stream().sorted().toList()));
    }
    if (definition.binary() == null) {
      return new ResolvedRuntime(definition, null);
    }
    Path executable =
        locator.locate(definition.binary())
            .orElseThrow(
                () ->
                    new SubagentLaunchException(
                        spec.attemptId(),
                        "runtime '%s' needs the binary '%s', which is %s on this worker; install it or point binaries.%s at it"
                            .formatted(
                                definition.name(),
                                definition.binary(),
                                definition.binary().contains("/") ? "not an executable file" : "not on PATH",
                                definition.name())));
    return new ResolvedRuntime(definition, executable);
  }
}
