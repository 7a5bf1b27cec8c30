package dev.workmesh.mcp;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.testsupport.MeshTestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real control plane for this test JVM: mesh-api, in-process on a random port, on the real PostgreSQL
 * and Kafka of mesh-test-support. Started once, on first use, and shared by every test class; tests keep
 * out of each other's way with pools and missions of their own.
 */
final class InProcessMesh {

  static final String OPERATOR_TOKEN = "mcp-test-operator-token-0123456789abcdef";

  private static InProcessMesh instance;

  private final ConfigurableApplicationContext context;
  private final String baseUrl;

  private InProcessMesh() {
    MeshTestEnv env = MeshTestEnv.forClass(InProcessMesh.class);
    List<String> args = new ArrayList<>();
    env.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--mesh-api.operator-token=" + OPERATOR_TOKEN);
    args.add("--mesh-api.relay.poll-interval=200ms");
    context = new SpringApplicationBuilder(MeshApiApplication.class).run(args.toArray(String[]::new));
    baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
  }

  static synchronized InProcessMesh get() {
    if (instance == null) {
      instance = new InProcessMesh();
    }
    return instance;
  }

  String baseUrl() {
    return baseUrl;
  }

  MeshClient operator() {
    return new MeshClient(baseUrl, OPERATOR_TOKEN);
  }

  /** A fresh agent in a pool of its own, so that no other test's claim can take its tasks. */
  EnrolledAgent enrolAgent() {
    String pool = "p-" + UUID.randomUUID().toString().substring(0, 8);
    return operator().enrol(new AgentRequest("mcp-agent-" + UUID.randomUUID(), List.of(pool), List.of("git"),
        List.of(), 4, Map.of("test", "mcp-server")));
  }

  MissionView newMission() {
    return operator().createMission("m-" + UUID.randomUUID(), "a test mission");
  }
}
