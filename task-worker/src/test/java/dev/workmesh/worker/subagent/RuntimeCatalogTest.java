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

    assertThat(byName.get("claude_code").args()).containsExactly(
        "-p", "--output-format", "json", "--permission-mode", "acceptEdits", "--allowedTools", "Bash Edit Write NotebookEdit");
    assertThat(byName.get("codex").args()).containsExactly(
        "exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "-");
    assertThat(byName.get("gemini").args()).containsExactly("--output-format", "json", "--skip-trust", "--approval-mode", "yolo");
    for (String cli : List.of("claude_code", "codex", "gemini")) {
      assertThat(byName.get(cli).stdin()).as(cli).isEqualTo("{prompt}");
    }
    assertThat(byName.get("goose").stdin()).isNull();
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
  void aPromptReachesTheAgentClisOnStdinAndNeverWhereAnOptionParserReadsOptions() {
    String prompt = "--yolo -p x";
    Map<String, RuntimeDefinition> builtIns =
        BuiltInRuntimes.all().stream().collect(Collectors.toMap(RuntimeDefinition::name, d -> d));
    for (String cli : List.of("claude_code", "codex", "gemini")) {
      RuntimeDefinition builtIn = builtIns.get(cli);
      AttemptSpec spec = TestAttempts.prompted(cli, prompt);
      assertThat(ArgvTemplate.render(builtIn.binary(), builtIn.args(), cli, spec)).as(cli).doesNotContain(prompt);
      assertThat(ArgvTemplate.stdin(builtIn, spec)).as(cli).isEqualTo(prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    RuntimeDefinition goose = builtIns.get("goose");
    assertThat(ArgvTemplate.render(goose.binary(), goose.args(), "goose", TestAttempts.prompted("goose", prompt)))
        .containsExactly("goose", "run", "--text=" + prompt);
  }

  @Test
  void eachAutonomyMapsToTheClisOwnFlags() {
    Map<String, List<String>> readOnly = argsByName(Autonomy.READ_ONLY);
    assertThat(readOnly.get("claude_code")).containsSubsequence("--permission-mode", "dontAsk");
    assertThat(readOnly.get("codex")).containsSubsequence("--sandbox", "read-only");
    assertThat(readOnly.get("gemini")).containsSubsequence("--approval-mode", "default");
    Map<String, List<String>> full = argsByName(Autonomy.FULL);
    assertThat(full.get("claude_code")).containsSubsequence("--permission-mode", "bypassPermissions");
    assertThat(full.get("codex")).contains("--dangerously-bypass-approvals-and-sandbox").doesNotContain("--sandbox");
    assertThat(full.get("gemini")).containsSubsequence("--approval-mode", "yolo");
  }

  private static Map<String, List<String>> argsByName(Autonomy autonomy) {
    return BuiltInRuntimes.all(Map.of("claude_code", autonomy, "codex", autonomy, "gemini", autonomy)).stream()
        .collect(Collectors.toMap(RuntimeDefinition::name, RuntimeDefinition::args));
  }

  @Test
  void aPromptTooLongForOneArgumentIsRefusedWithTheReasonNotCutOrPassedToTheKernel() {
    String prompt = "日".repeat(50_000);
    RuntimeDefinition goose = BuiltInRuntimes.all().stream().filter(d -> d.name().equals("goose")).findFirst().orElseThrow();

    assertThatThrownBy(() -> ArgvTemplate.render("goose", goose.args(), "goose", TestAttempts.prompted("goose", prompt)))
        .isInstanceOf(SubagentLaunchException.class)
        .hasMessageContaining("150007 bytes")
        .hasMessageContaining("reads its prompt from stdin");
  }

  @Test
  void autonomyIsValidatedAtStartUp() {
    assertThatThrownBy(() -> SubagentSettings.defaults(dir).withAutonomy("goose", Autonomy.FULL))
        .hasMessageContaining("autonomy is set for runtime 'goose'");
    assertThatThrownBy(() -> Autonomy.parse("codex", "yolo"))
        .hasMessageContaining("task-worker.autonomy.codex is 'yolo'; use one of read_only, workspace, full");
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
