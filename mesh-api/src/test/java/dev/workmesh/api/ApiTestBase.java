package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.api.contract.MeshApiContract;
import dev.workmesh.testsupport.contract.ContractRecordingFilter;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One mesh-api on real PostgreSQL and Kafka, shared by every API test class (they all register the same
 * properties, so Spring reuses one context). Tests keep out of each other's way with missions of their own.
 */
@MeshIntegrationTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(MeshApiContract.class)
abstract class ApiTestBase {

  static final String OPERATOR_TOKEN = "test-operator-token-0123456789abcdef";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired ContractRecordingFilter contract;

  @DynamicPropertySource
  static void meshProperties(DynamicPropertyRegistry registry) {
    MeshTestEnv env = MeshTestEnv.forClass(ApiTestBase.class);
    env.springProperties().forEach((k, v) -> registry.add(k, () -> v));
    registry.add("mesh-api.operator-token", () -> OPERATOR_TOKEN);
    registry.add("mesh-api.max-body-size", () -> "64KB");
    registry.add("mesh-api.submit-rate.per-second", () -> "20");
    registry.add("mesh-api.submit-rate.burst", () -> "40");
    registry.add("mesh-api.relay.poll-interval", () -> "200ms");
    registry.add("mesh-api.agent-activity-write", () -> "500ms");
    registry.add("mesh-api.queue-history.interval", () -> "1s");
  }

  /** Every request a test made, and its response, kept to the OpenAPI document (see ContractRecordingFilter). */
  @AfterEach
  void exchangesKeptToTheOpenApiDocument() {
    assertThat(contract.takeViolations()).as("exchanges that differ from /v3/api-docs").isEmpty();
  }

  static MeshTestEnv env() {
    return MeshTestEnv.forClass(ApiTestBase.class);
  }

  String baseUrl() {
    return "http://localhost:" + port;
  }

  MeshClient operator() {
    return new MeshClient(baseUrl(), OPERATOR_TOKEN);
  }

  MeshClient as(String token) {
    return new MeshClient(baseUrl(), token);
  }

  MissionView newMission() {
    return operator().createMission("mission-" + UUID.randomUUID(), "a test mission");
  }

  EnrolledAgent enrol(String pool) {
    return operator().enrol(new AgentRequest("agent-" + UUID.randomUUID(), List.of(pool), List.of("git"),
        List.of(), 10, Map.of("host", "test")));
  }

  /** A raw request, for what the typed client cannot send (bad JSON, wrong tokens, odd headers). */
  HttpResponse<String> raw(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
