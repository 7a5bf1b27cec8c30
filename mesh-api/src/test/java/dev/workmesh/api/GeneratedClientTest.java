package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workmesh.generated.ApiClient;
import dev.workmesh.generated.ApiException;
import dev.workmesh.generated.api.AgentsApi;
import dev.workmesh.generated.api.ClaimsApi;
import dev.workmesh.generated.api.MissionsApi;
import dev.workmesh.generated.api.TasksApi;
import dev.workmesh.generated.model.AgentRequest;
import dev.workmesh.generated.model.ClaimRequest;
import dev.workmesh.generated.model.ClaimView;
import dev.workmesh.generated.model.ClaimsResponse;
import dev.workmesh.generated.model.CompleteRequest;
import dev.workmesh.generated.model.EnrolledAgent;
import dev.workmesh.generated.model.MissionRequest;
import dev.workmesh.generated.model.MissionView;
import dev.workmesh.generated.model.TaskRequest;
import dev.workmesh.generated.model.TaskStatus;
import dev.workmesh.generated.model.TaskView;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client generated from the OpenAPI document alone (openapi-generator, Java, JDK HttpClient; see the
 * mesh-api pom) submits, claims and completes a task against the running API: the document is enough to
 * build a working client.
 */
class GeneratedClientTest extends ApiTestBase {

  private ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(baseUrl());
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    return client;
  }

  @Test
  void aGeneratedClientSubmitsClaimsAndCompletesATask() throws Exception {
    ApiClient operator = client(OPERATOR_TOKEN);
    String pool = "generated-" + UUID.randomUUID();
    MissionView mission = new MissionsApi(operator).createMission(new MissionRequest().name("generated-" + UUID.randomUUID()));
    EnrolledAgent agent = new AgentsApi(operator).enrolAgent(new AgentRequest().name("generated-agent").pools(List.of(pool)));

    TaskView submitted = new TasksApi(operator).submitTasks(mission.getId(),
        new TaskRequest().title("built by a generated client").pool(pool).priority(5));
    assertThat(submitted.getStatus()).isEqualTo(TaskStatus.READY);

    ApiClient asAgent = client(agent.getToken());
    ClaimsResponse claims = new ClaimsApi(asAgent).claimTasks(new ClaimRequest().missionId(mission.getId()));
    assertThat(claims.getClaims()).hasSize(1);
    ClaimView claim = claims.getClaims().getFirst();
    assertThat(claim.getTask().getId()).isEqualTo(submitted.getId());

    TaskView done = new ClaimsApi(asAgent).completeClaim(submitted.getId(),
        new CompleteRequest().claimToken(claim.getClaimToken()).result(Map.of("answer", 42)).exitCode(0), null);
    assertThat(done.getStatus()).isEqualTo(TaskStatus.SUCCEEDED);

    TaskView read = new TasksApi(operator).getTask(submitted.getId());
    assertThat(read.getResult()).isEqualTo(Map.of("answer", 42));
    assertThat(read.getAttempts()).singleElement().satisfies(a -> assertThat(a.getAgentId()).isEqualTo(agent.getAgent().getId()));
  }

  @Test
  void aGeneratedClientSeesTheDocumentedProblemOfAStaleReportEvenWhenItPrefersNoBody() throws Exception {
    ApiClient operator = client(OPERATOR_TOKEN);
    MissionView mission = new MissionsApi(operator).createMission(new MissionRequest().name("generated-" + UUID.randomUUID()));
    TaskView task = new TasksApi(operator).submitTasks(mission.getId(), new TaskRequest().title("never claimed"));
    assertThatThrownBy(() -> new ClaimsApi(client(enrol("default").token())).completeClaim(task.getId(),
        new CompleteRequest().claimToken("wm_claim_" + "0".repeat(64)), "return=minimal"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(
              t -> assertThat(t).startsWith("application/problem+json"));
        });
  }
}
