package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main path of {@code ./mesh dev}, end to end: start the whole stack in this JVM, submit over REST, the
 * task runs on the worker's fake agent, the result is visible; a restart on the same data dir keeps it.
 */
class DevStackTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void theDevStackRunsASubmittedTaskAndKeepsItsStateAcrossARestart() throws Exception {
    int kafkaPort = freePort();
    int schedulerPort = freePort();
    DevOptions options = DevCommand.parse(List.of("--data-dir", dataDir.toString(), "--api-port", "0",
        "--mcp-port", "0", "--worker-port", "0", "--scheduler-port", String.valueOf(schedulerPort),
        "--watchdog-port", "0",
        "--postgres-port", "0", "--kafka-port", String.valueOf(kafkaPort)));
    UUID taskId;
    String token;
    try (DevStack stack = new DevStack(options).start(DevStack.Progress.silent())) {
      token = stack.operatorTokenValue();
      String env = Files.readString(stack.devEnvFile());
      assertThat(env).contains("export MESH_API_URL=" + stack.apiUrl())
          .contains("export MESH_MCP_URL=" + stack.mcpUrl()).contains("export MESH_OPERATOR_TOKEN=" + token)
          .contains("export MESH_KAFKA_BOOTSTRAP=localhost:" + kafkaPort + "\n");
      assertThat(env.lines().filter(l -> !l.startsWith("#"))).allMatch(l -> l.startsWith("export MESH_"));
      everyPortListensOnLoopbackOnly(stack, kafkaPort);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.devEnvFile()))).isEqualTo("rw-------");
      theDashboardReachesTheScheduler(stack, "http://localhost:" + schedulerPort);

      MeshClient mesh = new MeshClient(stack.apiUrl(), token);
      MissionView mission = mesh.createMission("devstack-demo", "");
      TaskView task = mesh.submit(mission.id(), TaskRequest.of("hello", "say hello").withRuntime("fake",
          MeshClient.JSON.readTree("{\"fake\":{\"output\":\"hello from the fake agent\"}}"))).task();
      taskId = task.id();
      await().atMost(Duration.ofSeconds(60)).until(() -> mesh.task(task.id()).status().equals("succeeded"));
      TaskView done = mesh.task(task.id());
      assertThat(done.result().asString()).contains("hello from the fake agent");
      assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("succeeded"));
      assertThat(mesh.agents()).anySatisfy(a -> {
        assertThat(a.name()).isEqualTo("dev-worker");
        assertThat(a.runtimes()).contains("fake", "bash", "exec");
      });
    }

    try (DevStack again = new DevStack(options).start(DevStack.Progress.silent())) {
      assertThat(again.operatorTokenValue()).isEqualTo(token);
      MeshClient mesh = new MeshClient(again.apiUrl(), token);
      assertThat(mesh.task(taskId).status()).isEqualTo("succeeded");
      assertThat(mesh.agents()).filteredOn(a -> a.name().equals("dev-worker")).hasSize(1);
    }
  }

  /**
   * The dashboard's Schedules page out of the box: mesh-api tells the page where the scheduler is and lets it
   * call there, and the scheduler answers the page's origin (preflight, then the call with the token).
   */
  private static void theDashboardReachesTheScheduler(DevStack stack, String schedulerUrl) throws Exception {
    HttpResponse<String> settings = get(stack.apiUrl() + "/ui/settings.json");
    assertThat(MeshClient.JSON.readTree(settings.body()).get("scheduler_url").asString()).isEqualTo(schedulerUrl);
    assertThat(get(stack.apiUrl() + "/ui/").headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("connect-src 'self' " + schedulerUrl + ";");

    for (String origin : List.of(stack.apiUrl(), stack.apiUrl().replace("localhost", "127.0.0.1"))) {
      HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(schedulerUrl + "/schedules"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
          .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization")
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(origin).hasValue(origin);
    }
    HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(schedulerUrl + "/schedules"))
        .header("Origin", stack.apiUrl()).header("Authorization", "Bearer " + stack.operatorTokenValue()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Access-Control-Allow-Origin")).hasValue(stack.apiUrl());
    assertThat(MeshClient.JSON.readTree(list.body()).get("jobs").isArray()).isTrue();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Secure by default: no port of the dev stack answers on any address but loopback. */
  private static void everyPortListensOnLoopbackOnly(DevStack stack, int kafkaPort) throws IOException {
    List<Integer> ports = new java.util.ArrayList<>(List.of(stack.postgresPort(), kafkaPort));
    for (String service : List.of("mesh-api", "mcp-server", "task-worker", "scheduler-service", "watchdog-service")) {
      ports.add(stack.port(service));
    }
    for (int port : ports) {
      assertThat(ListeningSockets.on(port)).as("listening addresses of port %d", port).isNotEmpty()
          .allMatch(InetAddress::isLoopbackAddress);
      for (InetAddress other : nonLoopbackAddresses()) {
        try (java.net.Socket s = new java.net.Socket()) {
          assertThatThrownBy(() -> s.connect(new java.net.InetSocketAddress(other, port), 2000))
              .as("connecting to %s:%d", other, port).isInstanceOf(IOException.class);
        }
      }
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    return java.net.NetworkInterface.networkInterfaces().filter(i -> {
      try {
        return i.isUp() && !i.isLoopback();
      } catch (java.net.SocketException e) {
        return false;
      }
    }).flatMap(java.net.NetworkInterface::inetAddresses).filter(a -> !a.isLinkLocalAddress()).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
