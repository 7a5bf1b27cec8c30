package dev.workmesh.worker.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SecretsBrokerTest {

  @TempDir Path dataDir;
  @TempDir Path secretsDir;
  SecretsBroker broker;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(secretsDir.resolve("token"), "file-value\n");
    broker =
        SecretsBroker.start(
            SecretsBrokerSettings.inDataDir(
                dataDir,
                Map.of("FROM_FILE", "file:" + secretsDir.resolve("token"), "FROM_ENV", "env:WORKER_VAR", "UNSET", "env:NOT_SET_ANYWHERE")),
            Map.of("WORKER_VAR", "env-value"));
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private JsonNode ask(String line) throws Exception {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(broker.socketPath()))) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return JsonMapper.shared().readTree(new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)).readLine());
    }
  }

  private JsonNode get(String session, String name) throws Exception {
    return ask("{\"op\":\"get\",\"session\":\"" + session + "\",\"name\":\"" + name + "\"}");
  }

  @Test
  void openSessionGetsValuesResolvedAtRequestTime() throws Exception {
    SecretsSession session = broker.openSession("attempt-1");

    assertThat(get(session.id(), "FROM_FILE").path("value").asString()).isEqualTo("file-value");
    assertThat(get(session.id(), "FROM_ENV").path("value").asString()).isEqualTo("env-value");
    Files.writeString(secretsDir.resolve("token"), "rotated\r\n");
    JsonNode rotated = get(session.id(), "FROM_FILE");
    assertThat(rotated.path("ok").asBoolean()).isTrue();
    assertThat(rotated.path("value").asString()).isEqualTo("rotated");
  }

  @Test
  void unknownAndClosedSessionsAreRefused() throws Exception {
    JsonNode unknown = get("not-a-session", "FROM_FILE");
    assertThat(unknown.path("ok").asBoolean(true)).isFalse();
    assertThat(unknown.path("error").asString()).contains("unknown or closed session");
    assertThat(unknown.has("value")).isFalse();

    SecretsSession session = broker.openSession("attempt-2");
    assertThat(get(session.id(), "FROM_FILE").path("ok").asBoolean()).isTrue();
    session.close();

    JsonNode closed = get(session.id(), "FROM_FILE");
    assertThat(closed.path("ok").asBoolean(true)).isFalse();
    assertThat(closed.path("error").asString()).contains("unknown or closed session");
    assertThat(broker.openSessions()).isZero();
  }

  @Test
  void badRequestsGetAnErrorThatSaysWhatToSend() throws Exception {
    SecretsSession session = broker.openSession("attempt-3");

    assertThat(get(session.id(), "NOPE").path("error").asString()).contains("no secret named 'NOPE'");
    assertThat(get(session.id(), "UNSET").path("error").asString()).contains("NOT_SET_ANYWHERE is not set");
    assertThat(ask("not json").path("error").asString()).contains("not valid JSON");
    assertThat(ask("{\"op\":\"put\"}").path("error").asString()).contains("unknown op 'put'");
  }

  @Test
  void oneConnectionCanAskSeveralTimes() throws Exception {
    SecretsSession session = broker.openSession("attempt-4");
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(broker.socketPath()))) {
      OutputStream out = Channels.newOutputStream(channel);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
      for (String name : new String[] {"FROM_FILE", "FROM_ENV"}) {
        out.write(("{\"op\":\"get\",\"session\":\"" + session.id() + "\",\"name\":\"" + name + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertThat(JsonMapper.shared().readTree(in.readLine()).path("ok").asBoolean()).isTrue();
      }
    }
  }

  @Test
  void socketIsOwnerOnlyAndRemovedOnClose() throws Exception {
    assertThat(Files.getPosixFilePermissions(broker.socketPath())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

    broker.close();

    assertThat(broker.socketPath()).doesNotExist();
    broker = SecretsBroker.start(SecretsBrokerSettings.inDataDir(dataDir, Map.of()), Map.of());
  }

  @Test
  void aSecondBrokerOnTheSameSocketIsRefused() {
    assertThatThrownBy(() -> SecretsBroker.start(SecretsBrokerSettings.inDataDir(dataDir, Map.of()), Map.of()))
        .hasMessageContaining("another process is serving secrets");
  }

  @Test
  void badSourcesAreRejectedWithTheExpectedForm() {
    assertThatThrownBy(() -> SecretsBrokerSettings.inDataDir(dataDir, Map.of("KEY", "vault:x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'KEY'")
        .hasMessageContaining("expected 'env:VARIABLE'");
    assertThatThrownBy(() -> SecretsBrokerSettings.inDataDir(dataDir, Map.of("KEY", "file:relative/path")))
        .hasMessageContaining("file:/absolute/path");
  }

  @Test
  void variablesBackingSecretsAreKnownSoSubagentsDoNotInheritThem() {
    assertThat(broker.sourceEnvironmentVariables()).containsExactlyInAnyOrder("WORKER_VAR", "NOT_SET_ANYWHERE");
  }
}
