package dev.workmesh.worker.subagent;

import static dev.workmesh.worker.subagent.TestAttempts.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.worker.secrets.SecretsBroker;
import dev.workmesh.worker.secrets.SecretsBrokerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubagentSecretsTest {

  @TempDir Path dataDir;
  @TempDir Path secretsDir;
  final String secretValue = "s3cr3t-" + UUID.randomUUID();
  SecretsBroker broker;
  SubagentLauncher launcher;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(secretsDir.resolve("api_key"), secretValue + "\n");
    broker =
        SecretsBroker.start(
            SecretsBrokerSettings.inDataDir(dataDir, Map.of("API_KEY", "file:" + secretsDir.resolve("api_key"), "HOME_DIR", "env:HOME")));
    SubagentSettings settings = SubagentSettings.defaults(dataDir);
    launcher = new SubagentLauncher(settings, RuntimeCatalog.from(settings), broker);
  }

  @AfterEach
  void stop() {
    launcher.close();
    broker.close();
  }

  @Test
  void secretReachesTheSubagentButNeverADiskFileOrTheLog() throws Exception {
    AttemptSpec spec = attempt("fake", "{\"fake\": {\"secret\": \"API_KEY\", \"output\": \"done\\n\"}}");

    SubagentOutcome outcome = launcher.launch(spec).outcome().get(30, TimeUnit.SECONDS);

    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secretValue.getBytes(StandardCharsets.UTF_8)));
    assertThat(outcome.outcome()).as(outcome.logTail()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(outcome.result()).contains("secret API_KEY sha256=" + digest);
    assertThat(outcome.logTail()).doesNotContain(secretValue);
    assertThat(outcome.result()).doesNotContain(secretValue);
    List<Path> files;
    try (var walk = Files.walk(dataDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty().contains(dataDir.resolve("attempts").resolve(spec.attemptId().toString()).resolve("attempt.log"));
    byte[] needle = secretValue.getBytes(StandardCharsets.UTF_8);
    for (Path file : files) {
      assertThat(indexOf(Files.readAllBytes(file), needle)).as("secret bytes in %s", file).isEqualTo(-1);
    }
    assertThat(broker.openSessions()).as("the attempt's session is closed when it ends").isZero();
  }

  @Test
  void unconfiguredSecretIsRefusedAndTheAgentFails() throws Exception {
    AttemptSpec spec = attempt("fake", "{\"fake\": {\"secret\": \"NOT_CONFIGURED\"}}");

    SubagentOutcome outcome = launcher.launch(spec).outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.outcome()).isEqualTo(AttemptOutcome.FAILED);
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.logTail()).contains("no secret named 'NOT_CONFIGURED'");
  }

  @Test
  void variablesBackingSecretsAreNotInheritedBySubagents() throws Exception {
    SubagentOutcome outcome =
        launcher.launch(attempt("bash", "{\"command\": \"echo \\\"home=${HOME-unset} session=${MESH_SECRETS_SESSION:+set} socket=$MESH_SECRETS_SOCKET\\\"\"}"))
            .outcome().get(10, TimeUnit.SECONDS);

    assertThat(outcome.result()).isEqualTo("home=unset session=set socket=" + broker.socketPath().toAbsolutePath() + "\n");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
