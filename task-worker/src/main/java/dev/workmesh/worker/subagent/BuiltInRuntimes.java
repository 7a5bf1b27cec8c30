package dev.workmesh.worker.subagent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The runtimes every worker knows, defined like configured ones. A configured runtime with the same
 * name replaces a built-in; {@code binaries} in {@link SubagentSettings} can point one at another
 * binary.
 *
 * <p>A prompt that starts with {@code -} must never be read as an option. It goes after {@code --}
 * where the CLI takes it as a positional argument (claude's commander, codex's clap), and is attached
 * to its option where the CLI takes it only as an option's value (gemini's yargs reads {@code -p
 * --yolo} as an empty prompt plus {@code --yolo}; goose's {@code run -t} likewise).
 */
public final class BuiltInRuntimes {

  private BuiltInRuntimes() {}

  public static List<RuntimeDefinition> all() {
    return List.of(
        new RuntimeDefinition("claude_code", "claude", List.of("-p", "--", "{prompt}")),
        new RuntimeDefinition("codex", "codex", List.of("exec", "--", "{prompt}")),
        new RuntimeDefinition("gemini", "gemini", List.of("--prompt={prompt}")),
        new RuntimeDefinition("goose", "goose", List.of("run", "--text={prompt}")),
        new RuntimeDefinition("exec", null, List.of("{argv}")),
        new RuntimeDefinition("bash", "bash", List.of("-c", "{command}")),
        fake());
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
