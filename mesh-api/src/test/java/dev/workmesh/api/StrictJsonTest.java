package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * JSON is read strictly and every error, from any layer (controllers, Spring MVC, the error forward,
 * Tomcat), is problem+json that names the field and never a Java or Jackson type.
 */
class StrictJsonTest extends ApiTestBase {

  private static final Pattern JAVA_NAMES = Pattern.compile(
      "java\\.|tools\\.jackson|jackson|springframework|Exception|DoubleNode|`|dev\\.workmesh", Pattern.CASE_INSENSITIVE);

  private static void assertProblem(HttpResponse<String> r, int status, String mentions) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body())
        .startsWith("application/problem+json");
    assertThat(r.body()).contains("https://workmesh.dev/problems/").contains(mentions);
    assertThat(JAVA_NAMES.matcher(r.body()).find()).as(r.body()).isFalse();
  }

  private long taskCount(UUID mission) {
    return operator().mission(mission).taskCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void aBashTaskWithoutInputCommandIsRefusedAtSubmissionNamingTheField() throws Exception {
    MissionView mission = newMission();
    String path = "/work/missions/" + mission.id() + "/tasks";
    assertProblem(raw("POST", path, OPERATOR_TOKEN, "{\"title\":\"t\",\"runtime\":\"bash\"}"), 400, "input.command");
    assertProblem(raw("POST", path, OPERATOR_TOKEN, "{\"title\":\"t\",\"runtime\":\"exec\",\"input\":{\"argv\":[]}}"),
        400, "input.argv");
    assertProblem(raw("POST", path, OPERATOR_TOKEN, "[{\"title\":\"a\"},{\"title\":\"t\",\"runtime\":\"bash\"}]"),
        400, "[1].input.command");
    assertThat(taskCount(mission.id())).isZero();
  }

  @Test
  void aNumberBeyondADoubleInInputOrResultIsRefusedNotStoredAsInfinity() throws Exception {
    MissionView mission = newMission();
    String path = "/work/missions/" + mission.id() + "/tasks";
    assertProblem(raw("POST", path, OPERATOR_TOKEN, "{\"title\":\"t\",\"input\":{\"limits\":{\"max\":1e400}}}"), 400,
        "input.limits.max");
    assertThat(taskCount(mission.id())).isZero();

    EnrolledAgent agent = enrol("default");
    TaskView task = operator().submit(mission.id(), TaskRequest.of("big result", "")).task();
    ClaimView claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    assertProblem(raw("POST", "/work/tasks/" + task.id() + "/complete", agent.token(),
        "{\"claim_token\":\"" + claim.claimToken() + "\",\"result\":{\"n\":-1e400}}"), 400, "result.n");
    assertThat(operator().task(task.id()).status()).isNotEqualTo("succeeded");
  }

  @Test
  void anOutOfRangePriorityNamesTheFieldInPlainWords() throws Exception {
    MissionView mission = newMission();
    assertProblem(raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN,
        "{\"title\":\"t\",\"priority\":1e400}"), 400, "priority");
    assertThat(taskCount(mission.id())).isZero();
  }

  @Test
  void aBlankStringIsNotANumber() throws Exception {
    EnrolledAgent agent = enrol("p-" + UUID.randomUUID());
    // Jackson's default reads a blank string as null, which here would mean "the default": one task, no wait.
    for (String blank : new String[] {"", " ", "\\t"}) {
      assertProblem(raw("POST", "/work/claims", agent.token(), "{\"max_tasks\":\"" + blank + "\"}"), 400, "max_tasks");
      assertProblem(raw("POST", "/work/claims", agent.token(), "{\"wait_seconds\":\"" + blank + "\"}"), 400,
          "wait_seconds");
    }
    MissionView mission = newMission();
    assertProblem(raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN,
        "{\"title\":\"t\",\"priority\":\" \"}"), 400, "priority");
    assertThat(taskCount(mission.id())).isZero();
  }

  @Test
  void duplicateKeysAreRefusedInsteadOfTheLastOneWinning() throws Exception {
    EnrolledAgent a = enrol("p-" + UUID.randomUUID());
    EnrolledAgent b = enrol("p-" + UUID.randomUUID());
    assertProblem(raw("POST", "/work/claims", OPERATOR_TOKEN,
        "{\"agent_id\":\"" + a.agent().id() + "\",\"agent_id\":\"" + b.agent().id() + "\"}"), 400, "agent_id");
    MissionView mission = newMission();
    assertProblem(raw("POST", "/work/missions/" + mission.id() + "/tasks", OPERATOR_TOKEN,
        "{\"title\":\"one\",\"title\":\"two\"}"), 400, "title");
    assertThat(taskCount(mission.id())).isZero();
  }

  @Test
  void uuidsAreAsciiHexOnlyInPathsAndBodies() throws Exception {
    MissionView mission = newMission();
    String fullwidth = mission.id().toString().replace('0', '\uFF10').replace('1', '\uFF11');
    assertThat(fullwidth).isNotEqualTo(mission.id().toString());
    assertProblem(raw("GET", "/work/missions/" + URLEncoder.encode(fullwidth, StandardCharsets.UTF_8), OPERATOR_TOKEN,
        null), 400, "UUID");
    assertProblem(raw("GET", "/work/missions/" + mission.id().toString().replace("-", ""), OPERATOR_TOKEN, null),
        400, "UUID");
    assertProblem(raw("POST", "/work/claims", OPERATOR_TOKEN, "{\"agent_id\":\"" + fullwidth + "\"}"), 400,
        "agent_id");
    // Base64 of sixteen bytes: Jackson alone would read it as a UUID.
    assertProblem(raw("POST", "/work/claims", OPERATOR_TOKEN, "{\"agent_id\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}"), 400,
        "agent_id");
    assertThat(raw("GET", "/work/missions/" + mission.id().toString().toUpperCase(), OPERATOR_TOKEN, null)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aNullBodyIsRefusedWhereLeavingTheBodyOutMeansTheDefaults() throws Exception {
    EnrolledAgent agent = enrol("p-" + UUID.randomUUID());
    assertProblem(raw("POST", "/work/claims", agent.token(), "null"), 400, "body");
    assertThat(raw("POST", "/work/claims", agent.token(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void aQueryParameterWithoutANameIsNotA500() throws Exception {
    HttpResponse<String> r = raw("GET", "/work/missions?=x", OPERATOR_TOKEN, null);
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 499);
    if (r.statusCode() >= 400) {
      assertProblem(r, r.statusCode(), "");
    }
  }

  @Test
  void tomcatAndSpringErrorsAreProblemsToo() throws Exception {
    MissionView mission = newMission();
    HttpResponse<String> longHeader = HTTP.send(HttpRequest.newBuilder(
            URI.create(baseUrl() + "/work/missions/" + mission.id() + "/events"))
        .header("Authorization", "Bearer " + OPERATOR_TOKEN)
        .header("Last-Event-ID", "1".repeat(10_000)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(longHeader.statusCode()).isBetween(400, 499);
    assertProblem(longHeader, longHeader.statusCode(), "header");

    HttpResponse<String> trace = raw("TRACE", "/work/missions", OPERATOR_TOKEN, null);
    assertProblem(trace, 405, "method");

    assertProblem(raw("GET", "/work/nowhere", OPERATOR_TOKEN, null), 404, "path");
    assertProblem(raw("POST", "/work/missions", OPERATOR_TOKEN, "{\"name\": \"m\"} trailing"), 400, "body");
  }
}
