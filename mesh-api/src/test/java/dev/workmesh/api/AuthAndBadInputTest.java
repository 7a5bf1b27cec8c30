package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every class of bad input and every forbidden path: a 4xx problem+json, never a 500, nothing changed. */
class AuthAndBadInputTest extends ApiTestBase {

  private void assertProblem(HttpResponse<String> response, int status, String... fragments) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(response.body()).contains("\"status\":" + status).doesNotContain("Exception").doesNotContain("\tat ");
    for (String fragment : fragments) {
      assertThat(response.body()).contains(fragment);
    }
  }

  @Test
  void requestsWithoutAValidTokenAre401WithAChallenge() throws Exception {
    for (String token : new String[] {null, "", "nope", "wm_agent_forged", OPERATOR_TOKEN + "x"}) {
      HttpResponse<String> r = raw("GET", "/work/missions", token, null);
      assertProblem(r, 401, "Authorization: Bearer");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    }
  }

  @Test
  void anAgentCannotEnrolOthersNorRevokeOrHeartbeatAnotherAgent() throws Exception {
    EnrolledAgent a = enrol("default");
    EnrolledAgent b = enrol("default");
    assertProblem(raw("POST", "/work/agents", a.token(), "{\"name\":\"sneaky\"}"), 403, "only the operator");
    assertProblem(raw("DELETE", "/work/agents/" + b.agent().id(), a.token(), null), 403);
    assertProblem(raw("POST", "/work/agents/" + b.agent().id() + "/heartbeat", a.token(), null), 403);
    assertThat(raw("POST", "/work/agents/" + a.agent().id() + "/heartbeat", a.token(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void anAgentCancelsOnlyWhatItSubmitted() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent a = enrol("default");
    EnrolledAgent b = enrol("default");
    var mine = as(a.token()).submit(mission.id(), TaskRequest.of("mine", "")).task();
    assertProblem(raw("POST", "/work/tasks/" + mine.id() + "/cancel", b.token(), null), 403, "submitted");
    assertThat(raw("POST", "/work/tasks/" + mine.id() + "/cancel", a.token(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void malformedAndInvalidBodiesAre400WithTheOffendingField() throws Exception {
    MissionView mission = newMission();
    String tasks = "/work/missions/" + mission.id() + "/tasks";
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\": "), 400, "not valid JSON");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"colour\":\"red\"}"), 400, "colour");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"priority\":\"high\"}"), 400, "priority");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"priority\":99999999999}"), 400, "priority");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"claim_policy\":\"whoever\"}"), 400,
        "claim_policy", "first_claim, assigned or broadcast");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"timeout\":\"soon\"}"), 400, "timeout", "2h30m");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"depends_on\":[\"not-a-uuid\"]}"), 400,
        "depends_on");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"\"}"), 400, "title");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"x\",\"input\":[1,2]}"), 400, "input");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "{\"title\":\"a\\u0000b\"}"), 400, "NUL");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "[{\"title\":\"ok\"},{\"title\":\"x\",\"max_attempts\":0}]"), 400,
        "[1].max_attempts");
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "\"just a string\""), 400);
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, null), 400);
    assertProblem(raw("POST", tasks, OPERATOR_TOKEN, "[" + "[".repeat(2000) + "]".repeat(2000) + "]"), 400);
    assertThat(operator().tasks(mission.id(), null, null, 10).items()).isEmpty();
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    MissionView mission = newMission();
    String big = "{\"title\":\"x\",\"description\":\"" + "a".repeat(70_000) + "\"}";
    assertProblem(raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN, big), 413, "max-body-size");
  }

  @Test
  void unknownIdsAre404AndBadIdsAre400() throws Exception {
    assertProblem(raw("GET", "/work/missions/" + UUID.randomUUID(), OPERATOR_TOKEN, null), 404, "does not exist");
    assertProblem(raw("POST", "/work/missions/" + UUID.randomUUID() + "/tasks", OPERATOR_TOKEN, "{\"title\":\"x\"}"), 404);
    assertProblem(raw("GET", "/work/tasks/" + UUID.randomUUID(), OPERATOR_TOKEN, null), 404);
    assertProblem(raw("GET", "/work/tasks/not-a-uuid", OPERATOR_TOKEN, null), 400, "UUID");
    assertProblem(raw("GET", "/work/missions?limit=0", OPERATOR_TOKEN, null), 400, "limit");
    assertProblem(raw("GET", "/work/missions?limit=", OPERATOR_TOKEN, null), 400, "limit");
    assertProblem(raw("GET", "/work/missions?limit=%EF%BC%91", OPERATOR_TOKEN, null), 400, "limit");
    assertProblem(raw("GET", "/work/missions?limit=99999999999", OPERATOR_TOKEN, null), 400, "limit");
    assertProblem(raw("GET", "/work/missions/" + newMission().id() + "/tasks?status=done", OPERATOR_TOKEN, null), 400,
        "status");
  }

  @Test
  void reportsWithoutAClaimTokenAre400AndBadClaimRequestsSayWhy() throws Exception {
    MissionView mission = newMission();
    var task = operator().submit(mission.id(), TaskRequest.of("t", "")).task();
    assertProblem(raw("POST", "/work/tasks/" + task.id() + "/complete", OPERATOR_TOKEN, "{}"), 400, "claim_token");
    assertProblem(raw("POST", "/work/tasks/" + task.id() + "/fail", OPERATOR_TOKEN,
        "{\"claim_token\":\"x\",\"outcome\":\"exploded\"}"), 400, "outcome");
    EnrolledAgent agent = enrol("default");
    assertProblem(raw("POST", "/work/claims", agent.token(), "{\"max_tasks\":1000}"), 400, "max_tasks");
    assertProblem(raw("POST", "/work/claims", agent.token(), "{\"wait_seconds\":-1}"), 400, "wait_seconds");
    assertProblem(raw("POST", "/work/claims", agent.token(), "{\"wait_seconds\":3600}"), 400, "wait_seconds");
  }

  @Test
  void agentsSubmittingTooFastGet429WithRetryAfter() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent agent = enrol("default");
    String batch = "[" + String.join(",", java.util.Collections.nCopies(40, "{\"title\":\"x\"}")) + "]";
    assertThat(raw("POST", "/work/missions/" + mission.id() + "/tasks", agent.token(), batch).statusCode())
        .isEqualTo(201);
    HttpResponse<String> limited = raw("POST", "/work/missions/" + mission.id() + "/tasks", agent.token(), batch);
    assertProblem(limited, 429, "submit-rate");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(operator().tasks(mission.id(), null, null, 100).items()).hasSize(40);
  }

  @Test
  void theServiceStaysHealthyAndDocumented() throws Exception {
    HttpResponse<String> health = raw("GET", "/actuator/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("kafka").contains("db");
    HttpResponse<String> docs = raw("GET", "/v3/api-docs", null, null);
    assertThat(docs.statusCode()).isEqualTo(200);
    assertThat(docs.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(docs.body()).contains("\"openapi\":\"3.1.0\"").contains("/work/missions/{id}/tasks")
        .contains("/work/claims");
    HttpResponse<String> metrics = raw("GET", "/actuator/prometheus", null, null);
    assertThat(metrics.body()).contains("mesh_tasks_submitted_total").contains("mesh_outbox_lag_rows");
    assertThat(List.of(health, docs, metrics)).allMatch(r -> r.statusCode() == 200);
  }
}
