package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of malformed and hostile requests against every REST endpoint: each gets a 4xx
 * problem+json, never a 500, and changes nothing; hostile but valid text is stored byte for byte.
 */
class HostileInputTest extends ApiTestBase {

  /** Values that are wrong for any field that expects something else. */
  static final List<String> BAD_VALUES = List.of(
      "null", "true", "-1", "0", "1e309", "99999999999999999999999", "-2147483649", "2147483648", "\"\"",
      "\"" + "x".repeat(20_000) + "\"", "[" + "1,".repeat(5000) + "1]", "{\"a\":" .repeat(600) + "1" + "}".repeat(600),
      "\"\\ud800\"", "\"'; DROP TABLE task; --\"", "\"$(rm -rf /)\"", "\"`id`\"", "[null]", "{\"$gt\":\"\"}",
      "\"PT-5M\"", "\"-30m\"", "\"30x\"", "\"* * * * * * *\"", "\"not-a-uuid\"", "\"00000000-0000-0000-0000-000000000000\"",
      "\"whoever\"", "3.14", "{}", "[]");

  static final List<String> TASK_FIELDS = List.of("title", "description", "claim_policy", "assigned_agent", "pool",
      "required_capabilities", "priority", "runtime", "input", "max_attempts", "timeout", "not_before", "depends_on",
      "parent_task_id", "idempotency_key");

  static final String HOSTILE_TEXT = "'; DROP TABLE task; -- $(rm -rf /) `id` && echo pwned | cat /etc/passwd > x"
      + " \" \\ \u202e\u0645\u0631\u062d\u0628\u0627 \uD83D\uDE80 \u00e9\u0301 \u200b";

  private long taskRows(UUID mission) {
    return operator().mission(mission).taskCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void everyBadValueInEveryTaskFieldIsA4xxProblemAndChangesNothing() throws Exception {
    MissionView mission = newMission();
    String path = "/work/missions/" + mission.id() + "/tasks";
    Map<String, Integer> statusCounts = new LinkedHashMap<>();
    int created = 0;
    for (String field : TASK_FIELDS) {
      for (String value : BAD_VALUES) {
        String body = field.equals("title") ? "{\"title\":" + value + "}"
            : "{\"title\":\"probe\",\"" + field + "\":" + value + "}";
        HttpResponse<String> r = raw("POST", path, OPERATOR_TOKEN, body);
        statusCounts.merge(field + ":" + r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(field + " = " + abbreviate(value) + " -> " + abbreviate(r.body()))
            .isNotEqualTo(500).isBetween(200, 499);
        if (r.statusCode() >= 400) {
          assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        } else {
          created++; // some values are valid for some fields (e.g. any string as a description)
        }
      }
    }
    assertThat(taskRows(mission.id())).isEqualTo(created);
    assertThat(statusCounts.keySet()).anyMatch(k -> k.endsWith(":400"));
    assertHealthy();
  }

  @Test
  void everyBadValueInABatchOfReportsOrOfNamedClaimsIsA4xxProblemAndChangesNothing() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent holder = enrol("default");
    TaskView task = operator().submit(mission.id(), TaskRequest.of("batched", "")).task();
    ClaimView claim = as(holder.token()).claimTask(task.id()).orElseThrow();
    Map<String, String> valid = new LinkedHashMap<>();
    valid.put("task_id", "\"" + task.id() + "\"");
    // Well formed but not the live claim's token: a probe that happens to be valid input is refused as
    // stale, in a 200 answer, so no probe can change the task.
    valid.put("claim_token", "\"wm_claim_" + "0".repeat(64) + "\"");
    valid.put("outcome", "\"failed\"");
    valid.put("error", "\"e\"");
    valid.put("retryable", "true");
    valid.put("exit_code", "1");
    valid.put("log_tail", "\"t\"");
    for (String field : List.of("reports", "reports[0]", "task_id", "claim_token", "outcome", "result", "error",
        "retryable", "exit_code", "log_tail")) {
      for (String value : BAD_VALUES) {
        String body;
        if (field.equals("reports")) {
          body = "{\"reports\":" + value + "}";
        } else if (field.equals("reports[0]")) {
          body = "{\"reports\":[" + value + "]}";
        } else {
          Map<String, String> report = new LinkedHashMap<>(valid);
          report.put(field, value);
          body = "{\"reports\":[{" + report.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
              .reduce((a, b) -> a + "," + b).orElseThrow() + "}]}";
        }
        HttpResponse<String> r = raw("POST", "/work/reports", holder.token(), body);
        assertThat(r.statusCode()).as(field + " = " + abbreviate(value) + " -> " + abbreviate(r.body()))
            .isNotEqualTo(500).isBetween(200, 499);
        if (r.statusCode() == 200) {
          assertThat(r.body()).as(field + " = " + abbreviate(value)).contains("\"accepted\":false")
              .doesNotContain("\"accepted\":true");
        } else {
          assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
      }
    }
    EnrolledAgent loner = enrol("p-" + UUID.randomUUID()); // a pool of its own: an ordinary claim finds nothing
    for (String value : BAD_VALUES) {
      HttpResponse<String> r = raw("POST", "/work/claims", loner.token(), "{\"task_ids\":" + value + "}");
      assertThat(r.statusCode()).as("task_ids = " + abbreviate(value) + " -> " + abbreviate(r.body()))
          .isNotEqualTo(500).isBetween(200, 499);
      if (r.statusCode() == 200) {
        // no task_ids, or a uuid of no task: nothing claimed, and the reason says why
        assertThat(r.body()).startsWith("{\"claims\":[],\"reason\":{\"code\":\"no_ready_work\"");
      }
    }
    TaskView after = operator().task(task.id());
    assertThat(after.status()).isEqualTo("claimed");
    assertThat(after.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isNull());
    assertHealthy();
  }

  @Test
  void hostileButValidTextIsStoredByteForByteAndReachesNoShellOrSql() {
    MissionView mission = newMission();
    TaskView task = operator().submit(mission.id(), new TaskRequest(HOSTILE_TEXT, HOSTILE_TEXT, null, null, null, null,
        null, "bash", MeshClientJson.object("command", HOSTILE_TEXT), null, null, null, null, null, HOSTILE_TEXT)).task();
    TaskView read = operator().task(task.id());
    assertThat(read.title()).isEqualTo(HOSTILE_TEXT);
    assertThat(read.description()).isEqualTo(HOSTILE_TEXT);
    assertThat(read.idempotencyKey()).isEqualTo(HOSTILE_TEXT);
    assertThat(read.input().get("command").asString()).isEqualTo(HOSTILE_TEXT);
    assertThat(operator().tasks(mission.id(), null, null, 10).items()).hasSize(1);
  }

  @Test
  void everyEndpointRefusesMissingForeignAndRevokedCredentials() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent holder = enrol("default");
    EnrolledAgent other = enrol("default");
    EnrolledAgent revoked = enrol("default");
    operator().revoke(revoked.agent().id());
    TaskView task = operator().submit(mission.id(), TaskRequest.of("guarded", "")).task();
    ClaimView claim = as(holder.token()).claimTask(task.id()).orElseThrow();
    String token = "{\"claim_token\":\"" + claim.claimToken() + "\"}";

    List<String[]> endpoints = List.of(
        new String[] {"GET", "/work/missions", null},
        new String[] {"POST", "/work/missions", "{\"name\":\"x\"}"},
        new String[] {"GET", "/work/missions/" + mission.id(), null},
        new String[] {"POST", "/work/missions/" + mission.id() + "/tasks", "{\"title\":\"x\"}"},
        new String[] {"GET", "/work/missions/" + mission.id() + "/tasks", null},
        new String[] {"GET", "/work/tasks/" + task.id(), null},
        new String[] {"POST", "/work/claims", "{}"},
        new String[] {"POST", "/work/tasks/" + task.id() + "/claim", null},
        new String[] {"POST", "/work/tasks/" + task.id() + "/heartbeat", token},
        new String[] {"POST", "/work/tasks/" + task.id() + "/complete", token},
        new String[] {"POST", "/work/tasks/" + task.id() + "/fail", token},
        new String[] {"POST", "/work/tasks/" + task.id() + "/release", token},
        new String[] {"POST", "/work/reports", "{\"reports\":[{\"task_id\":\"" + task.id() + "\",\"claim_token\":\""
            + claim.claimToken() + "\",\"outcome\":\"succeeded\"}]}"},
        new String[] {"POST", "/work/tasks/" + task.id() + "/retry", null},
        new String[] {"POST", "/work/tasks/" + task.id() + "/cancel", null},
        new String[] {"POST", "/work/agents", "{\"name\":\"x\"}"},
        new String[] {"GET", "/work/agents", null},
        new String[] {"POST", "/work/agents/" + holder.agent().id() + "/heartbeat", null},
        new String[] {"DELETE", "/work/agents/" + holder.agent().id(), null},
        new String[] {"GET", "/work/missions/" + mission.id() + "/events", null});
    List<String> failures = new ArrayList<>();
    for (String[] e : endpoints) {
      for (String bad : new String[] {null, "garbage", "wm_agent_" + "A".repeat(43), revoked.token()}) {
        HttpResponse<String> r = raw(e[0], e[1], bad, e[2]);
        if (r.statusCode() != 401) {
          failures.add(e[0] + " " + e[1] + " with " + (bad == null ? "no token" : "a bad token") + " -> " + r.statusCode());
        }
      }
    }
    assertThat(failures).isEmpty();

    // Another agent's valid token: reports, heartbeats and revocations of someone else are 403.
    for (String action : List.of("heartbeat", "complete", "fail", "release")) {
      assertThat(raw("POST", "/work/tasks/" + task.id() + "/" + action, other.token(), token).statusCode())
          .as(action).isEqualTo(403);
    }
    HttpResponse<String> foreignReport = raw("POST", "/work/reports", other.token(), "{\"reports\":[{\"task_id\":\""
        + task.id() + "\",\"claim_token\":\"" + claim.claimToken() + "\",\"outcome\":\"succeeded\"}]}");
    assertThat(foreignReport.statusCode()).isEqualTo(200);
    assertThat(foreignReport.body()).contains("\"accepted\":false").contains("\"status\":403");
    assertThat(raw("DELETE", "/work/agents/" + holder.agent().id(), other.token(), null).statusCode()).isEqualTo(403);
    assertThat(raw("POST", "/work/tasks/" + task.id() + "/cancel", other.token(), null).statusCode()).isEqualTo(403);
    TaskView after = operator().task(task.id());
    assertThat(after.status()).isEqualTo("claimed");
    assertThat(after.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isNull());
    assertHealthy();
  }

  @Test
  void hostileClaimTokensAndPathsAreRejectedWithoutSideEffects() throws Exception {
    MissionView mission = newMission();
    EnrolledAgent holder = enrol("default");
    TaskView task = operator().submit(mission.id(), TaskRequest.of("fenced", "")).task();
    as(holder.token()).claimTask(task.id()).orElseThrow();
    for (String claimToken : List.of("\"\"", "\"wm_claim_\"", "\"' OR 1=1 --\"", "\"" + "z".repeat(5000) + "\"", "123",
        "null", "[]", "{}", "\"\\u0000\"")) {
      for (String action : List.of("heartbeat", "complete", "fail", "release")) {
        HttpResponse<String> r = raw("POST", "/work/tasks/" + task.id() + "/" + action, holder.token(),
            "{\"claim_token\":" + claimToken + "}");
        assertThat(r.statusCode()).as(action + " " + abbreviate(claimToken)).isIn(400, 409);
      }
    }
    for (String path : List.of("/work/tasks/%27%3B--", "/work/tasks/..%2F..%2Fetc%2Fpasswd", "/work/missions/%00",
        "/work/tasks/" + "9".repeat(3000))) {
      HttpResponse<String> r = raw("GET", path, OPERATOR_TOKEN, null);
      assertThat(r.statusCode()).as(path).isBetween(400, 499);
    }
    assertThat(operator().task(task.id()).attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isNull());
    assertHealthy();
  }

  private void assertHealthy() throws Exception {
    HttpResponse<String> health = raw("GET", "/actuator/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /** Builds small JSON objects for request inputs. */
  static final class MeshClientJson {
    static tools.jackson.databind.node.ObjectNode object(String key, String value) {
      return dev.workmesh.client.MeshClient.JSON.createObjectNode().put(key, value);
    }
  }
}
