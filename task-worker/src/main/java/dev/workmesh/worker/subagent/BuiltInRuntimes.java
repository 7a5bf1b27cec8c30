package dev.workmesh.worker.subagent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The runtimes every worker knows, defined like configured ones. A configured runtime with the same
 * name replaces a built-in; {@code binaries} in {@link SubagentSettings} can point one at another
 * binary.
 *
 * <p>The agent CLIs run headless in a fresh directory that need not be a git repository, read their
 * prompt from stdin (so a prompt of any size arrives whole) and print machine-readable output that
 * {@link AgentOutputReader} turns into the result and usage. Their flags, checked against the
 * {@code --help} of Claude Code 2.1.332, Codex CLI 0.171.0 and Gemini CLI 0.61.0, follow the runtime's
 * {@link Autonomy}:
 *
 * <ul>
 *   <li>{@code claude -p --output-format json}: read_only {@code --permission-mode dontAsk} (tools not
 *       pre-approved are denied, reading needs no approval); workspace {@code --permission-mode
 *       acceptEdits --allowedTools "Bash Edit Write NotebookEdit"}; full {@code --permission-mode
 *       bypassPermissions}, which Claude Code refuses as root.
 *   <li>{@code codex exec --json --skip-git-repo-check -}: {@code --sandbox read-only}, {@code
 *       --sandbox workspace-write} (writes confined to the working directory, no network), full
 *       {@code --dangerously-bypass-approvals-and-sandbox}.
 *   <li>{@code gemini --output-format json --skip-trust}: read_only {@code --approval-mode default}
 *       (headless, only read tools are offered); workspace and full {@code --approval-mode yolo}, since
 *       Gemini CLI confines its file tools to the workspace but has no confined shell outside its
 *       container sandbox.
 * </ul>
 *
 * Goose has no pinned version here and takes its prompt as one argument ({@code run --text=}), so
 * its prompts are limited to what the kernel accepts in one argument (see {@link ArgvTemplate}); its
 * autonomy is its own {@code GOOSE_MODE}.
 *
 * <p>A prompt in argv that starts with {@code -} must never be read as an option: it is attached to
 * its option ({@code --text=}), since goose's parser does not honour {@code --} there.
 */
public final class BuiltInRuntimes {

  /** The agent CLIs whose flags follow {@code task-worker.autonomy.<runtime>}. */
  public static final Set<String> WITH_AUTONOMY = Set.of("claude_code", "codex", "gemini");

  private BuiltInRuntimes() {}

  /** Every built-in with the default autonomy, {@link Autonomy#WORKSPACE}. */
  public static List<RuntimeDefinition> all() {
    return all(Map.of());
  }

  /** Every built-in, the agent CLIs with the autonomy given for them (workspace when not given). */
  public static List<RuntimeDefinition> all(Map<String, Autonomy> autonomy) {
    return List.of(
        new RuntimeDefinition(
            "claude_code", "claude", concat(List.of("-p", "--output-format", "json"), claude(autonomyOf("claude_code", autonomy))),
            "{prompt}", OutputFormat.CLAUDE_JSON),
        new RuntimeDefinition(
            "codex", "codex",
            concat(List.of("exec", "--json", "--skip-git-repo-check"), codex(autonomyOf("codex", autonomy)), List.of("-")),
            "{prompt}", OutputFormat.CODEX_JSONL),
        new RuntimeDefinition(
            "gemini", "gemini",
            concat(List.of("--output-format", "json", "--skip-trust"), gemini(autonomyOf("gemini", autonomy))),
            "{prompt}", OutputFormat.GEMINI_JSON),
        new RuntimeDefinition("goose", "goose", List.of("run", "--text={prompt}")),
        new RuntimeDefinition("exec", null, List.of("{argv}")),
        new RuntimeDefinition("bash", "bash", List.of("-c", "{command}")),
        fake());
  }

  static List<String> claude(Autonomy autonomy) {
    return switch (autonomy) {
      case READ_ONLY -> List.of("--permission-mode", "dontAsk");
      case WORKSPACE -> List.of("--permission-mode", "acceptEdits", "--allowedTools", "Bash Edit Write NotebookEdit");
      case FULL -> List.of("--permission-mode", "bypassPermissions");
    };
  }

  static List<String> codex(Autonomy autonomy) {
    return switch (autonomy) {
      case READ_ONLY -> List.of("--sandbox", "read-only");
      case WORKSPACE -> List.of("--sandbox", "workspace-write");
      case FULL -> List.of("--dangerously-bypass-approvals-and-sandbox");
    };
  }

  static List<String> gemini(Autonomy autonomy) {
    return switch (autonomy) {
      case READ_ONLY -> List.of("--approval-mode", "default");
      case WORKSPACE, FULL -> List.of("--approval-mode", "yolo");
    };
  }

  private static Autonomy autonomyOf(String runtime, Map<String, Autonomy> autonomy) {
    return autonomy.getOrDefault(runtime, Autonomy.WORKSPACE);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  /**
   * {@link FakeAgent} on this JVM and class path. In a Spring Boot fat jar the class path is the
   * jar alone and classes live under {@code BOOT-INF}, so the jar's loader starts it instead.
   */
  static RuntimeDefinition fake() {
    String java =
        ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Absolute, because the fake agent runs in the attempt's working directory.
    String classPath =
        Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    List<String> args = new ArrayList<>(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    if (isSpringBootFatJar(classPath)) {
      args.addAll(List.of(
          "-Dloader.main=" + FakeAgent.class.getName(),
          "-cp", classPath,
          "org.springframework.boot.loader.launch.PropertiesLauncher"));
    } else {
      args.addAll(List.of("-cp", classPath, FakeAgent.class.getName()));
    }
    args.add("{input}");
    return new RuntimeDefinition("fake", java, args);
  }

  private static boolean isSpringBootFatJar(String classPath) {
    if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
      return false;
    }
    try (JarFile jar = new JarFile(classPath)) {
      return jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Spring-Boot-Classes") != null;
    } catch (IOException e) {
      return false;
    }
  }
}
