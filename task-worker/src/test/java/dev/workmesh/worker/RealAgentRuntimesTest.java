package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AttemptView;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.testsupport.agents.AgentClis;
import dev.workmesh.testsupport.agents.ModelStub;
import dev.workmesh.testsupport.agents.RunsRealAgentClis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pinned Claude Code, Codex CLI and Gemini CLI, run by a real task-worker against the real
 * mesh-api, with a {@link ModelStub} on loopback as their model. Each CLI has a private home; a
 * wrapper script gives it the stub's address and a key, and execs it with the worker's arguments and
 * stdin untouched.
 */
@RunsRealAgentClis
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealAgentRuntimesTest {

  static final String POOL = "real-agents";

  @TempDir static Path dir;
  ModelStub model;
  MeshApiServer api;
  TestWorkers workers;
  MeshClient operator;
  Path dataDir;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  void start() throws IOException {
    model = ModelStub.start();
    MeshTestEnv env = MeshTestEnv.forClass(RealAgentRuntimesTest.class);
    api = MeshApiServer.start(env, Map.of());
    operator = api.operator();
    workers = new TestWorkers(env);
    dataDir = dir.resolve("worker");
    Map<String, Object> keys = workers.settings(api.url(), "real-agents", POOL, dataDir);
    keys.put("binaries[claude_code]", claude().toString());
    keys.put("binaries[codex]", codex().toString());
    keys.put("binaries[gemini]", gemini().toString());
    workers.start(keys, meters);
  }

  @AfterAll
  void stop() {
    if (workers != null) {
      workers.close();
    }
    if (api != null) {
      api.close();
    }
    if (model != null) {
      model.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"claude_code", "codex", "gemini"})
  void theAgentWritesAFileInItsWorkingDirectoryAndItsFinalMessageIsTheResult(String runtime) throws IOException {
    String marker = "WRITE-" + UUID.randomUUID();
    String content = "written by " + runtime + " " + marker;
    model.on(marker, new ModelStub.WriteFile(workingDirectories(), "out.txt", content, "Wrote out.txt for " + marker));

    TaskView done = run(runtime, "Please write the file. " + marker, null, 1);

    assertThat(done.status()).as(describe(done)).isEqualTo("succeeded");
    assertThat(done.result().asString()).isEqualTo("Wrote out.txt for " + marker);
    Path written = dataDir.resolve("attempts").resolve(done.attempts().getFirst().id().toString()).resolve("work/out.txt");
    assertThat(Files.readString(written)).isEqualTo(content);
    assertThat(tokens(runtime, "input")).isGreaterThanOrEqualTo(2.0 * ModelStub.INPUT_TOKENS);
    assertThat(tokens(runtime, "output")).isGreaterThanOrEqualTo(2.0 * ModelStub.OUTPUT_TOKENS);
    Usage recorded = done.attempts().getFirst().usage();
    assertThat(recorded).as("the attempt records what the CLI reported spending").isNotNull();
    assertThat(recorded.inputTokens()).isGreaterThanOrEqualTo(ModelStub.INPUT_TOKENS);
    assertThat(recorded.outputTokens()).isGreaterThanOrEqualTo(ModelStub.OUTPUT_TOKENS);
    assertThat(done.usageTotal()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"claude_code", "codex", "gemini"})
  void theAgentRunsACommandInItsWorkingDirectoryWithoutApproval(String runtime) throws IOException {
    String marker = "RUN-" + UUID.randomUUID();
    model.on(marker, new ModelStub.RunCommand(workingDirectories(), "cd '{dir}' && pwd > ran.txt && id -u >> ran.txt", "Ran it"));

    TaskView done = run(runtime, "Please run the command. " + marker, null, 1);

    assertThat(done.status()).as(describe(done)).isEqualTo("succeeded");
    assertThat(done.result().asString()).isEqualTo("Ran it");
    Path work = dataDir.resolve("attempts").resolve(done.attempts().getFirst().id().toString()).resolve("work");
    assertThat(Files.readString(work.resolve("ran.txt"))).startsWith(work.toString() + "\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"claude_code", "codex", "gemini"})
  void aPromptOfThreeHundredKilobytesReachesTheModelByteForByte(String runtime) {
    // The API takes up to 100,000 characters; three bytes of UTF-8 each make 300,000 bytes, over twice
    // what the kernel accepts in one argument. The marker is CJK too, from a random UUID.
    String cjk = "日本語漢字文書試験東京大阪寿司天気電車";
    StringBuilder marker = new StringBuilder();
    for (char hex : UUID.randomUUID().toString().replace("-", "").toCharArray()) {
      marker.append(cjk.charAt(Character.digit(hex, 16)));
    }
    StringBuilder prompt = new StringBuilder(marker);
    for (int i = 0; prompt.length() < 100_000; i++) {
      prompt.append(cjk.charAt(i % cjk.length()));
    }
    assertThat(prompt.toString().getBytes(StandardCharsets.UTF_8)).hasSize(300_000);
    model.on(marker.toString(), new ModelStub.Reply("read it all"));

    TaskView done = run(runtime, prompt.toString(), null, 1);

    assertThat(done.status()).as(describe(done)).isEqualTo("succeeded");
    assertThat(done.result().asString()).isEqualTo("read it all");
    assertThat(model.requestsWith(marker.toString())).as("requests carrying the prompt")
        .anySatisfy(request -> assertThat(request.body()).contains(prompt));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"claude_code", "codex", "gemini"})
  void aHungModelIsStoppedAtTheTasksTimeout(String runtime) {
    String marker = "HANG-" + UUID.randomUUID();
    model.on(marker, new ModelStub.Hang());

    TaskView done = run(runtime, "Answer slowly. " + marker, "8s", 1);

    assertThat(done.status()).as(describe(done)).isEqualTo("failed");
    AttemptView attempt = done.attempts().getFirst();
    assertThat(attempt.outcome()).isEqualTo("timed_out");
    assertThat(attempt.error()).contains("exceeded its timeout of PT8S");
    assertThat(Duration.between(attempt.startedAt(), attempt.finishedAt())).isLessThan(Duration.ofSeconds(30));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"claude_code", "codex", "gemini"})
  void aKeyTheModelRefusesFailsTheTaskWithoutRetries(String runtime) {
    String marker = "BADKEY-" + UUID.randomUUID();
    model.on(marker, new ModelStub.Failure(401, "invalid x-api-key " + marker));

    TaskView done = run(runtime, "Hello. " + marker, null, 3);

    assertThat(done.status()).as(describe(done)).isEqualTo("failed");
    assertThat(done.attempts()).as(describe(done)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("failed");
      assertThat(attempt.error()).contains("not retried").containsAnyOf("invalid x-api-key", "Invalid API key");
    });
  }

  // --- helpers -------------------------------------------------------------------------------------------------

  private TaskView run(String runtime, String prompt, String timeout, int maxAttempts) {
    MissionView mission = operator.createMission("m-" + UUID.randomUUID(), "real agents");
    TaskView task = operator.submit(mission.id(), new TaskRequest(
        runtime + " task", prompt, null, null, POOL, null, null, runtime, null, maxAttempts, timeout, null, null, null, null)).task();
    return await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
        .until(() -> operator.task(task.id()), t -> Set.of("succeeded", "failed", "cancelled").contains(t.status()));
  }

  private double tokens(String runtime, String kind) {
    return meters.find("workmesh.subagent.tokens").tag("runtime", runtime).tag("kind", kind).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** The attempts' working directories, as the CLIs name them to the model. */
  private Pattern workingDirectories() {
    return Pattern.compile(Pattern.quote(dataDir.resolve("attempts").toString() + "/") + "[0-9a-f-]{36}/work");
  }

  private static String describe(TaskView task) {
    return task.status() + " " + task.error() + " " + task.attempts();
  }

  private Path claude() throws IOException {
    Path home = home("claude");
    return wrapper("claude", home, Map.of(
        "ANTHROPIC_BASE_URL", model.baseUrl(),
        "ANTHROPIC_API_KEY", "sk-ant-stub",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
        "DISABLE_AUTOUPDATER", "1"));
  }

  private Path codex() throws IOException {
    Path home = home("codex");
    Files.writeString(home.resolve("config.toml"), """
        model = "stub-model"
        model_provider = "stub"

        [model_providers.stub]
        name = "stub"
        base_url = "%s/v1"
        env_key = "STUB_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        """.formatted(model.baseUrl()));
    return wrapper("codex", home, Map.of("CODEX_HOME", home.toString(), "STUB_API_KEY", "sk-stub"));
  }

  private Path gemini() throws IOException {
    Path home = home("gemini");
    Files.createDirectories(home.resolve(".gemini"));
    // The stub's base URL alone selects the "gateway" auth type, which headless mode rejects: name the key type.
    Files.writeString(home.resolve(".gemini/settings.json"), """
        {"security": {"auth": {"selectedType": "gemini-api-key"}},
         "general": {"disableAutoUpdate": true, "disableUpdateNag": true},
         "privacy": {"usageStatisticsEnabled": false},
         "telemetry": {"enabled": false}}
        """);
    return wrapper("gemini", home, Map.of("GOOGLE_GEMINI_BASE_URL", model.baseUrl(), "GEMINI_API_KEY", "stub-key"));
  }

  private static Path home(String cli) throws IOException {
    return Files.createDirectories(dir.resolve("home-" + cli));
  }

  private static Path wrapper(String cli, Path home, Map<String, String> env) throws IOException {
    StringBuilder script = new StringBuilder("#!/bin/sh\nexport HOME='").append(home).append("'\n");
    env.forEach((name, value) -> script.append("export ").append(name).append("='").append(value).append("'\n"));
    script.append("exec '").append(AgentClis.executable(cli)).append("' \"$@\"\n");
    Path wrapper = dir.resolve(cli + "-wrapper");
    Files.writeString(wrapper, script);
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    return wrapper;
  }

}
