package dev.workmesh.worker.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RuntimeChoiceTest {

  static TaskView task(String runtime, String input) {
    return new TaskView(UUID.randomUUID(), UUID.randomUUID(), new TaskRequest("t", "do it", "first_claim", null,
        "default", List.of(), 0, runtime, input == null ? null : MeshClient.JSON.readTree(input), 3, null, null,
        List.of(), null, null), "claimed", 1, false, null, null, "operator", Instant.now(), Instant.now(), null, Instant.now(), null);
  }

  @Test
  void theHintWinsThenTheInputThenTheDefaultThenTheFirstAgentCli() {
    RuntimeChoice choice = new RuntimeChoice(Set.of("bash", "exec", "fake", "codex", "gemini"), null);
    assertThat(choice.runtimeFor(task("goose", "{\"command\": \"x\"}"))).contains("goose");
    assertThat(choice.runtimeFor(task(null, "{\"argv\": [\"make\"]}"))).contains("exec");
    assertThat(choice.runtimeFor(task(null, "{\"command\": \"make\"}"))).contains("bash");
    assertThat(choice.runtimeFor(task(null, null))).contains("codex");
    assertThat(new RuntimeChoice(Set.of("bash", "codex"), "claude_code").runtimeFor(task("", null))).contains("claude_code");
    assertThat(new RuntimeChoice(Set.of("bash", "fake"), null).runtimeFor(task(null, null))).isEmpty();
    assertThat(choice.offers("goose")).isFalse();
  }
}
