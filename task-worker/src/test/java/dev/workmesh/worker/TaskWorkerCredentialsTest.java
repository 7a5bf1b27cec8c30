package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.worker.subagent.AttemptSpec;
import dev.workmesh.worker.subagent.RuntimeCatalog;
import dev.workmesh.worker.subagent.SubagentLauncher;
import dev.workmesh.worker.subagent.SubagentOutcome;
import dev.workmesh.worker.subagent.SubagentSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The operator's enrolment token and the agent token never reach a subagent's environment. */
class TaskWorkerCredentialsTest {

  @TempDir Path dataDir;

  @Test
  void theWorkersTokensAreWithheldUnderAnyName() {
    var properties = TestWorkers.bind(Map.of("api-url", "http://mesh", "enrolment-token", "op-token-123456789012345678",
        "agent-id", UUID.randomUUID().toString(), "agent-token", "wm_agent_abc"));
    Map<String, String> environment = Map.of("DEPLOY_TOKEN", "op-token-123456789012345678", "AGENT", "wm_agent_abc",
        "PATH", "/usr/bin");

    Set<String> withheld = WorkerCredentials.variables(properties, environment);

    assertThat(withheld).contains("DEPLOY_TOKEN", "AGENT", "MESH_ENROLMENT_TOKEN", "TASK_WORKER_ENROLMENT_TOKEN",
        "MESH_OPERATOR_TOKEN", "TASK_WORKER_AGENT_TOKEN").doesNotContain("PATH");
  }

  @Test
  void aWithheldVariableIsNotInheritedBySubagents() throws Exception {
    SubagentSettings settings = SubagentSettings.defaults(dataDir);
    try (SubagentLauncher launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings), null, Set.of("HOME"))) {
      AttemptSpec spec = new AttemptSpec(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "t", "env", "", "bash",
          JsonMapper.shared().readTree("{\"command\": \"echo home=${HOME-withheld}\"}"), null, null);
      SubagentOutcome outcome = launcher.launch(spec).outcome().get(30, TimeUnit.SECONDS);
      assertThat(outcome.result()).isEqualTo("home=withheld\n");
    }
  }
}
