package dev.workmesh.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class TaskWorkerPropertiesTest {

  static TaskWorkerProperties bind(Map<String, String> keys) {
    Map<String, String> prefixed = new LinkedHashMap<>();
    keys.forEach((k, v) -> prefixed.put("task-worker." + k, v));
    return new Binder(new MapConfigurationPropertySource(prefixed))
        .bindOrCreate("task-worker", Bindable.of(TaskWorkerProperties.class));
  }

  static Throwable rootCause(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Test
  void everyDefaultIsAsDocumented() {
    TaskWorkerProperties p = bind(Map.of("api-url", "http://mesh:8080/"));

    assertThat(p.apiBaseUrl()).isEqualTo("http://mesh:8080");
    assertThat(p.pools()).containsExactly("default");
    assertThat(p.capabilities()).isEmpty();
    assertThat(p.runtimes()).as("null means every installed runtime").isNull();
    assertThat(p.maxConcurrentSubagents()).isEqualTo(3);
    assertThat(p.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".workmesh", "worker"));
    assertThat(p.agentHeartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.attemptHeartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.firstHeartbeatAfter()).isEqualTo(Duration.ofMillis(500));
    assertThat(bind(Map.of("api-url", "http://m", "attempt-heartbeat-interval", "200ms")).firstHeartbeatAfter())
        .as("never later than the interval's renewals").isEqualTo(Duration.ofMillis(200));
    assertThat(p.idlePullInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(p.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.killGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.logMaxSize().toMegabytes()).isEqualTo(10);
    assertThat(p.logMaxFiles()).isEqualTo(3);
    assertThat(p.nodeName()).isNotBlank();
    assertThat(p.topicPrefix()).isEmpty();
    assertThat(p.subagentSettings().dataDir()).isEqualTo(p.dataDir());
  }

  @Test
  void mapKeysWithUnderscoresKeepThemInBracketsAndExtraRuntimesBind() {
    TaskWorkerProperties p = bind(Map.of(
        "api-url", "https://mesh.example",
        "data-dir", "~/wm",
        "pools", "gpu, default",
        "secrets[GITHUB_TOKEN]", "env:GITHUB_TOKEN",
        "binaries[claude_code]", "/opt/claude",
        "extra-runtimes[0].name", "aider",
        "extra-runtimes[0].binary", "aider",
        "extra-runtimes[0].args[0]", "--message",
        "extra-runtimes[0].args[1]", "{prompt}"));

    assertThat(p.pools()).containsExactly("gpu", "default");
    assertThat(p.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), "wm"));
    assertThat(p.secrets()).containsEntry("GITHUB_TOKEN", "env:GITHUB_TOKEN");
    assertThat(p.binaries()).containsEntry("claude_code", "/opt/claude");
    assertThat(p.extraRuntimes()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("aider");
      assertThat(r.args()).containsExactly("--message", "{prompt}");
    });
  }

  @Test
  void autonomyBindsPerRuntimeAndAnExtraRuntimeCanReadStdinAndPrintJson() {
    TaskWorkerProperties p = bind(Map.of(
        "api-url", "https://mesh.example",
        "autonomy.claude_code", "read_only",
        "autonomy[codex]", "full",
        "extra-runtimes[0].name", "claude_code",
        "extra-runtimes[0].binary", "claude",
        "extra-runtimes[0].args[0]", "-p",
        "extra-runtimes[0].stdin", "{prompt}",
        "extra-runtimes[0].output", "claude_json"));

    assertThat(p.subagentSettings().autonomy())
        .containsEntry("claude_code", dev.workmesh.worker.subagent.Autonomy.READ_ONLY)
        .containsEntry("codex", dev.workmesh.worker.subagent.Autonomy.FULL);
    assertThat(p.extraRuntimes()).singleElement().satisfies(r -> {
      assertThat(r.stdin()).isEqualTo("{prompt}");
      assertThat(r.output()).isEqualTo(dev.workmesh.worker.subagent.OutputFormat.CLAUDE_JSON);
    });
    assertThatThrownBy(() -> bind(Map.of("api-url", "https://mesh.example", "autonomy.gemini", "yolo")))
        .hasStackTraceContaining("task-worker.autonomy.gemini is 'yolo'; use one of read_only, workspace, full");
    assertThatThrownBy(() -> bind(Map.of("api-url", "https://mesh.example", "autonomy.bash", "full")))
        .hasStackTraceContaining("the runtimes that take an autonomy are [claude_code, codex, gemini]");
  }

  @Test
  void aMissingApiUrlSaysWhatToSet() {
    assertThatThrownBy(() -> bind(Map.of("pools", "default")))
        .isInstanceOf(BindException.class)
        .satisfies(e -> assertThat(rootCause(e).getMessage())
            .contains("task-worker.api-url is not set").contains("MESH_API_URL"));
    assertThat(failure(Map.of("api-url", ""))).contains("task-worker.api-url is not set");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThat(failure(Map.of("api-url", "mesh:8080"))).contains("task-worker.api-url must be an http(s) URL");
    assertThat(failure(Map.of("api-url", "http://m", "agent-id", UUID.randomUUID().toString())))
        .contains("task-worker.agent-id and task-worker.agent-token go together");
    assertThat(failure(Map.of("api-url", "http://m", "attempt-heartbeat-interval", "30s")))
        .contains("task-worker.attempt-heartbeat-interval must be at most 15s");
    assertThat(failure(Map.of("api-url", "http://m", "first-heartbeat-after", "11s")))
        .contains("task-worker.first-heartbeat-after must be between 0s and task-worker.attempt-heartbeat-interval (PT10S)");
    assertThat(failure(Map.of("api-url", "http://m", "max-concurrent-subagents", "0")))
        .contains("task-worker.max-concurrent-subagents must be between 1 and 100");
    assertThat(failure(Map.of("api-url", "http://m", "pools", "a b")))
        .contains("task-worker.pools has 'a b'");
    assertThat(failure(Map.of("api-url", "http://m", "idle-pull-interval", "0s")))
        .contains("task-worker.idle-pull-interval must be a positive duration");
  }

  @Test
  void tokensStayOutOfToString() {
    TaskWorkerProperties p = bind(Map.of(
        "api-url", "http://m", "enrolment-token", "operator-secret-xyz",
        "agent-id", UUID.randomUUID().toString(), "agent-token", "wm_agent_secret"));
    assertThat(p.toString()).doesNotContain("operator-secret-xyz").doesNotContain("wm_agent_secret");
    assertThat(List.of(p.enrolmentToken(), p.agentToken())).containsExactly("operator-secret-xyz", "wm_agent_secret");
  }

  private static String failure(Map<String, String> keys) {
    try {
      bind(keys);
    } catch (BindException e) {
      return rootCause(e).getMessage();
    }
    throw new AssertionError("expected " + keys + " to be refused");
  }
}
