package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeCatalogTest {

  @TempDir Path dir;

  @Test
  void reportsRuntimesWhoseBinaryIsMissingWithTheBinaryName() throws Exception {
    Path claude = dir.resolve("bin").resolve("claude");
    Files.createDirectories(claude.getParent());
    Files.writeString(claude, "#!/bin/sh\n");
    Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
    Path notExecutable = dir.resolve("bin").resolve("codex");
    Files.writeString(notExecutable, "#!/bin/sh\n");
    SubagentSettings settings =
        SubagentSettings.defaults(dir)
            .withRuntime(new RuntimeDefinition("aider", "definitely-not-installed-aider", List.of("--message", "{prompt}")))
            .withBinary("gemini", dir.resolve("nowhere/gemini").toString());
    // PATH holds only our bin directory and the one with bash.
    RuntimeCatalog catalog =
        new RuntimeCatalog(
            concat(BuiltInRuntimes.all(), settings.runtimes()),
            settings.binaries(),
            new ExecutableLocator(dir.resolve("bin") + ":" + Path.of("/usr/bin") + ":" + Path.of("/bin")));

    RuntimeAvailability availability = catalog.available();

    assertThat(availability.available()).contains("claude_code", "bash", "exec", "fake").doesNotContain("codex", "gemini", "aider");
    assertThat(availability.missing())
        .contains(
            new RuntimeAvailability.Missing("aider", "definitely-not-installed-aider"),
            new RuntimeAvailability.Missing("gemini", dir.resolve("nowhere/gemini").toString()),
            new RuntimeAvailability.Missing("codex", "codex"));
  }

  @Test
  void builtInsAreDefinedAsArgvTemplates() {
    Map<String, RuntimeDefinition> byName = new java.util.HashMap<>();
    BuiltInRuntimes.all().forEach(d -> byName.put(d.name(), d));

    assertThat(byName.get("claude_code").args()).containsExactly("-p", "--", "{prompt}");
    assertThat(byName.get("codex").args()).containsExactly("exec", "--", "{prompt}");
    assertThat(byName.get("gemini").args()).containsExactly("--prompt={prompt}");
    assertThat(byName.get("goose").args()).containsExactly("run", "--text={prompt}");
    assertThat(byName.get("bash").args()).containsExactly("-c", "{command}");
    assertThat(byName.get("exec").binary()).isNull();
    assertThat(byName.get("fake").args()).contains(FakeAgent.class.getName());
  }

  @Test
  void aPlaceholderAloneOrAfterALiteralPrefixBecomesExactlyOneArgument() {
    AttemptSpec spec = TestAttempts.prompted("x", "say {title} and $(id)\n--yolo");
    List<String> argv =
        ArgvTemplate.render(
            "tool",
            List.of("--prompt={prompt}", "{prompt}", "{}", "{title}", "--mission={mission_id}", "a {title} b", "{title}{title}"),
            "x", spec);

    assertThat(argv).containsExactly(
        "tool", "--prompt=say {title} and $(id)\n--yolo", "say {title} and $(id)\n--yolo", "{}", "title",
        "--mission=" + spec.missionId(), "a {title} b", "{title}{title}");
  }

  @Test
  void aPromptThatStartsWithADashIsNeverWhereAnOptionParserReadsOptions() {
    String prompt = "--yolo -p x";
    Map<String, List<String>> expected = Map.of(
        "claude_code", List.of("claude", "-p", "--", prompt),
        "codex", List.of("codex", "exec", "--", prompt),
        "gemini", List.of("gemini", "--prompt=" + prompt),
        "goose", List.of("goose", "run", "--text=" + prompt));

    Map<String, RuntimeDefinition> builtIns =
        BuiltInRuntimes.all().stream().collect(Collectors.toMap(RuntimeDefinition::name, d -> d));
    expected.forEach((name, argv) -> {
      RuntimeDefinition builtIn = builtIns.get(name);
      assertThat(ArgvTemplate.render(builtIn.binary(), builtIn.args(), name, TestAttempts.prompted(name, prompt)))
          .as(name).isEqualTo(argv);
    });
  }

  @Test
  void configurationMistakesSayWhatToFix() {
    assertThatThrownBy(() -> new RuntimeDefinition("mine", "tool", List.of("{promt}")))
        .hasMessageContaining("unknown placeholder {promt}");
    assertThatThrownBy(() -> new RuntimeDefinition("mine", "tool", List.of("--prompt={promt}")))
        .hasMessageContaining("unknown placeholder {promt}");
    assertThatThrownBy(() -> new RuntimeDefinition("mine", "tool", List.of("--args={argv}")))
        .hasMessageContaining("{argv} stands alone");
    assertThatThrownBy(() -> new RuntimeDefinition("Mine!", "tool", List.of()))
        .hasMessageContaining("must be lower case");
    assertThatThrownBy(() -> new RuntimeDefinition("mine", null, List.of("x")))
        .hasMessageContaining("has no binary");
    assertThatThrownBy(() -> RuntimeCatalog.from(SubagentSettings.defaults(dir).withBinary("claude", "/opt/claude")))
        .hasMessageContaining("no runtime has that name")
        .hasMessageContaining("claude_code");
    assertThatThrownBy(() -> RuntimeCatalog.from(SubagentSettings.defaults(dir).withBinary("exec", "/bin/true")))
        .hasMessageContaining("takes its program from the task's input.argv");
    assertThatThrownBy(() -> SubagentSettings.defaults(dir).withKillGrace(java.time.Duration.ZERO))
        .hasMessageContaining("killGrace must be a positive duration");
  }

  private static List<RuntimeDefinition> concat(List<RuntimeDefinition> a, List<RuntimeDefinition> b) {
    List<RuntimeDefinition> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
