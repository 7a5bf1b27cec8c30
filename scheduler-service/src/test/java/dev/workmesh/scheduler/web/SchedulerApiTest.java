package dev.workmesh.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.MeshJson;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.testsupport.TestHttp;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.contract.ContractCheck;
import dev.workmesh.testsupport.contract.ContractRecordingFilter;
import dev.workmesh.testsupport.contract.Exchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/** The service as operators see it: the REST API, its token, its errors, and jobs firing in the background. */
@MeshIntegrationTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Close the context while the JVM-wide PostgreSQL still runs: on JVM exit the two shut down in parallel
// and releasing the leader lease would wait for a connection that never comes.
@DirtiesContext
@Import(SchedulerApiContract.class)
class SchedulerApiTest {

  private static final String TOKEN = "operator-token-for-tests-0123456789";
  private static final String DASHBOARD = "http://localhost:8080";
  private static final Instant T0 = Instant.parse("2030-01-07T06:29:00Z");
  private static final String GHOST_AGENT = UUID.randomUUID().toString();
  private static final String BASE_JOBS = """
      [[job]]
      name = "api-daily"
      schedule = "30 6 * * *"
      mission = "api-reports"
      [job.task]
      title = "Daily report"
      pool = "reports"
      priority = 3

      [[job]]
      name = "api-interval"
      interval = "1h"
      mission = "api-ops"
      [job.task]
      title = "Hourly check"

      [[job]]
      name = "api-ghost"
      schedule = "0 0 1 1 *"
      mission = "api-ops"
      [job.task]
      title = "For an agent that is not enrolled"
      claim_policy = "assigned"
      assigned_agent = "%s"
      """.formatted(GHOST_AGENT);
  /** Written before the context starts, and again after each test. */
  private static final Path JOBS = jobsFile();

  @TestConfiguration
  static class MovableTime {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return new MutableClock(T0);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    MeshTestEnv.forClass(SchedulerApiTest.class).springProperties().forEach((k, v) -> registry.add(k, () -> v));
    registry.add("scheduler-service.jobs-file", JOBS::toString);
    registry.add("scheduler-service.operator-token", () -> TOKEN);
    registry.add("scheduler-service.tick-interval", () -> "200ms");
    registry.add("scheduler-service.file-watch-interval", () -> "200ms");
    registry.add("scheduler-service.replica-id", () -> "api-test");
    registry.add("scheduler-service.cors.allowed-origins", () -> DASHBOARD + ", http://127.0.0.1:8080/");
  }

  private static Path jobsFile() {
    try {
      Path file = Files.createTempDirectory("scheduler-api").resolve("cron.toml");
      Files.writeString(file, BASE_JOBS);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @LocalServerPort int port;
  @Autowired MutableClock clock;
  @Autowired DataSource dataSource;
  @Autowired ContractRecordingFilter contract;

  /** Puts the job file back, and holds every request the test made, and its answer, to the OpenAPI document. */
  @AfterEach
  void restoreJobFileAndCheckTheExchanges() throws IOException {
    writeJobs(BASE_JOBS);
    call("POST", "/schedules/reload", TOKEN);
    assertThat(contract.takeViolations()).as("exchanges that differ from /v3/api-docs").isEmpty();
  }

  @Test
  void everyExchangeOfTheApiTestIsCheckedAgainstTheDocument() {
    long before = contract.checked();
    call("GET", "/schedules/api-daily/history?limit=1", TOKEN);
    assertThat(contract.takeViolations()).isEmpty();
    assertThat(contract.checked()).isGreaterThan(before);
  }

  // --- auth and errors ----------------------------------------------------------------------------

  @Test
  void everySchedulesEndpointWantsTheOperatorToken() {
    for (String[] call : List.of(new String[] {"GET", "/schedules"}, new String[] {"GET", "/schedules/api-daily"},
        new String[] {"POST", "/schedules/reload"}, new String[] {"POST", "/schedules/api-daily/trigger"})) {
      HttpResponse<String> missing = call(call[0], call[1], null);
      assertThat(missing.statusCode()).as(call[1]).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(json(missing).get("status").asInt()).isEqualTo(401);

      HttpResponse<String> wrong = call(call[0], call[1], "not-the-token");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(json(wrong).get("detail").asString()).contains("not this scheduler's operator token");
    }
    assertThat(call("GET", "/schedules", TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownJobsAndBadParametersAreProblemsNotServerErrors() {
    HttpResponse<String> unknown = call("GET", "/schedules/no-such-job", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(unknown).get("detail").asString()).contains("no job named 'no-such-job'").contains("GET /schedules");
    assertThat(json(unknown).get("job").asString()).isEqualTo("no-such-job");
    for (String path : List.of("/schedules/no-such-job/history", "/schedules/no-such-job/trigger",
        "/schedules/no-such-job/pause", "/schedules/no-such-job/resume")) {
      assertThat(call(path.endsWith("history") ? "GET" : "POST", path, TOKEN).statusCode()).as(path).isEqualTo(404);
    }

    HttpResponse<String> zero = call("GET", "/schedules/api-daily/history?limit=0", TOKEN);
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(json(zero).get("detail").asString()).contains("limit: must be between 1 and 500");
    HttpResponse<String> text = call("GET", "/schedules/api-daily/history?limit=ten", TOKEN);
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    for (String notADecimal : List.of("", "%EF%BC%91", "+5", "1.0")) { // empty, a fullwidth 1
      HttpResponse<String> refused = call("GET", "/schedules/api-daily/history?limit=" + notADecimal, TOKEN);
      assertThat(refused.statusCode()).as(notADecimal).isEqualTo(400);
      assertThat(json(refused).get("detail").asString()).as(notADecimal).contains("limit: must be an integer");
    }
    assertThat(call("POST", "/schedules/api-daily/nonsense", TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void errorsFromEveryLayerAreProblemsOfTheSharedShape() throws Exception {
    HttpResponse<String> unknown = call("GET", "/schedules/no-such-job", TOKEN);
    assertThat(json(unknown).get("type").asString()).isEqualTo("https://workmesh.dev/problems/not-found");
    HttpResponse<String> missing = call("GET", "/schedules", null);
    assertThat(json(missing).get("type").asString()).isEqualTo("https://workmesh.dev/problems/unauthorized");

    // Spring's defaults (an unsupported method), the /error forward and Tomcat's own answers.
    HttpResponse<String> trace = call("TRACE", "/schedules", TOKEN);
    HttpResponse<String> longHeader =
        TestHttp.send(builder("GET", "/schedules").header("Authorization", "Bearer " + TOKEN)
            .header("X-Filler", "x".repeat(10_000)));
    HttpResponse<String> noName = call("GET", "/schedules/api-daily/history?=x", TOKEN);
    HttpResponse<String> nulInName = call("POST", "/schedules/%00/pause", TOKEN);
    assertThat(new ContractCheck(SchedulerApiContract.document())
        .violations(Exchange.seenByClient("POST", "/schedules/%00/pause", null, nulInName)))
        .as("Tomcat's refusal, which the contract filter never sees, is documented").isEmpty();
    for (HttpResponse<String> r : List.of(trace, longHeader, noName, nulInName)) {
      assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body())
          .startsWith("application/problem+json");
      assertThat(r.body()).as(r.body()).doesNotContain("Exception").doesNotContain("java.").doesNotContain("<html");
      assertThat(json(r).get("status").asInt()).isEqualTo(r.statusCode());
    }
  }

  @Test
  void theConfiguredDashboardMayCallFromABrowserWithItsTokenAndNoOtherPageMay() {
    HttpResponse<String> preflight = TestHttp.send(builder("OPTIONS", "/schedules/api-daily/pause")
        .header("Origin", DASHBOARD).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type"));
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
        .contains("authorization", "content-type");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    HttpResponse<String> otherSpelling = TestHttp.send(builder("OPTIONS", "/schedules")
        .header("Origin", "http://127.0.0.1:8080").header("Access-Control-Request-Method", "GET"));
    assertThat(otherSpelling.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:8080");

    HttpResponse<String> list = TestHttp.send(builder("GET", "/schedules").header("Origin", DASHBOARD)
        .header("Authorization", "Bearer " + TOKEN));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    HttpResponse<String> noToken = TestHttp.send(builder("GET", "/schedules").header("Origin", DASHBOARD));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    HttpResponse<String> wrongToken = TestHttp.send(builder("POST", "/schedules/api-daily/pause").header("Origin", DASHBOARD)
        .header("Authorization", "Bearer not-the-token"));
    assertThat(wrongToken.statusCode()).isEqualTo(401);

    HttpResponse<String> unlistedMethod = TestHttp.send(builder("OPTIONS", "/schedules/reload")
        .header("Origin", DASHBOARD).header("Access-Control-Request-Method", "DELETE"));
    assertThat(unlistedMethod.statusCode()).isEqualTo(403);
    assertThat(unlistedMethod.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    for (String stranger : List.of("http://localhost:9999", "https://localhost:8080", "http://evil.example")) {
      HttpResponse<String> strangerPreflight = TestHttp.send(builder("OPTIONS", "/schedules").header("Origin", stranger)
          .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization"));
      assertThat(strangerPreflight.statusCode()).as(stranger).isEqualTo(403);
      assertThat(strangerPreflight.headers().firstValue("Access-Control-Allow-Origin")).as(stranger).isEmpty();
      HttpResponse<String> strangerCall = TestHttp.send(builder("GET", "/schedules").header("Origin", stranger)
          .header("Authorization", "Bearer " + TOKEN));
      assertThat(strangerCall.statusCode()).as(stranger).isEqualTo(403);
      assertThat(strangerCall.headers().firstValue("Access-Control-Allow-Origin")).as(stranger).isEmpty();
      assertThat(strangerCall.body()).as(stranger).doesNotContain("api-daily");
      assertThat(strangerCall.headers().firstValue("Content-Type")).as(stranger).hasValue("application/problem+json");
      assertThat(json(strangerCall).get("detail").asString()).contains("scheduler-service.cors.allowed-origins");
    }
  }

  // --- reading ------------------------------------------------------------------------------------

  @Test
  void listingShowsEachJobWithItsNextFireInSnakeCase() {
    JsonNode list = json(call("GET", "/schedules", TOKEN));
    assertThat(list.get("source").asString()).isEqualTo(JOBS.toString());
    JsonNode daily = jobNamed(list, "api-daily");
    assertThat(daily.get("kind").asString()).isEqualTo("cron");
    assertThat(daily.get("schedule").asString()).isEqualTo("30 6 * * *");
    assertThat(daily.get("zone").asString()).isEqualTo("UTC");
    assertThat(daily.get("enabled").asBoolean()).isTrue();
    assertThat(daily.get("paused").asBoolean()).isFalse();
    assertThat(daily.get("misfire").asString()).isEqualTo("skip");
    assertThat(Instant.parse(daily.get("next_fire_at").asString())).isAfter(clock.instant());
    assertThat(daily.has("last_fire")).isTrue();
    assertThat(jobNamed(list, "api-interval").get("schedule").asString()).isEqualTo("1h");

    JsonNode described = json(call("GET", "/schedules/api-daily", TOKEN));
    assertThat(described.get("description").asString()).isEqualTo("cron \"30 6 * * *\" in UTC");
    assertThat(described.get("mission").asString()).isEqualTo("api-reports");
    assertThat(described.get("task").get("title").asString()).isEqualTo("Daily report");
    assertThat(described.get("task").get("claim_policy").asString()).isEqualTo("first_claim");
    assertThat(described.get("task").get("pool").asString()).isEqualTo("reports");
    assertThat(described.get("task").get("max_attempts").asInt()).isEqualTo(3);
    assertThat(described.get("content_hash").asString()).hasSize(64);
    assertThat(described.get("registered_at").asString()).isNotBlank();
  }

  @Test
  void jobsFireInTheBackgroundAndShowInTheirHistory() {
    JsonNode daily = json(call("GET", "/schedules/api-daily", TOKEN));
    Instant next = Instant.parse(daily.get("next_fire_at").asString());
    clock.set(next.plusMillis(200));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode lastFire = json(call("GET", "/schedules/api-daily", TOKEN)).get("last_fire");
      assertThat(lastFire.isNull()).isFalse();
      assertThat(Instant.parse(lastFire.get("scheduled_at").asString())).isEqualTo(next);
    });
    JsonNode history = json(call("GET", "/schedules/api-daily/history?limit=1", TOKEN));
    JsonNode fire = history.get("fires").get(0);
    assertThat(fire.get("trigger").asString()).isEqualTo("schedule");
    assertThat(fire.get("fired_by").asString()).isEqualTo("api-test");
    assertThat(fire.get("task_id").asString()).isNotBlank();
    assertThat(fire.get("error").isNull()).isTrue();
  }

  // --- operating ----------------------------------------------------------------------------------

  @Test
  void triggerPauseAndResume() {
    HttpResponse<String> triggered = call("POST", "/schedules/api-interval/trigger", TOKEN);
    assertThat(triggered.statusCode()).isEqualTo(201);
    JsonNode body = json(triggered);
    assertThat(body.get("outcome").asString()).isEqualTo("submitted");
    assertThat(body.get("fire").get("trigger").asString()).isEqualTo("manual");
    assertThat(body.get("fire").get("task_id").asString()).isNotBlank();
    assertThat(json(call("GET", "/schedules/api-interval/history?limit=5", TOKEN)).get("fires").get(0)
        .get("trigger").asString()).isEqualTo("manual");

    JsonNode paused = json(call("POST", "/schedules/api-interval/pause", TOKEN));
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(paused.get("next_fire_at").isNull()).isTrue();
    assertThat(jobNamed(json(call("GET", "/schedules", TOKEN)), "api-interval").get("paused").asBoolean()).isTrue();

    JsonNode resumed = json(call("POST", "/schedules/api-interval/resume", TOKEN));
    assertThat(resumed.get("paused").asBoolean()).isFalse();
    assertThat(resumed.get("next_fire_at").isNull()).isFalse();

    assertThat(call("GET", "/actuator/prometheus", null).body())
        .containsPattern("scheduler_fires_total\\{[^}]*job=\"api-interval\"[^}]*outcome=\"submitted\"[^}]*trigger=\"manual\"");
  }

  @Test
  void aTriggerWhoseTaskMeshCoreRefusesIsA422ProblemAndARecordedFire() {
    HttpResponse<String> refused = call("POST", "/schedules/api-ghost/trigger", TOKEN);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json(refused);
    assertThat(problem.get("detail").asString()).contains("not enrolled").contains(GHOST_AGENT);
    assertThat(problem.get("fire").get("error").asString()).contains("not enrolled");
    assertThat(json(call("GET", "/schedules/api-ghost/history", TOKEN)).get("fires")).hasSize(1);
  }

  @Test
  void reloadByPostAndByEditingTheFile() throws IOException {
    writeJobs(BASE_JOBS + job("api-added"));
    JsonNode report = json(call("POST", "/schedules/reload", TOKEN));
    assertThat(report.get("applied").asBoolean()).isTrue();
    // The 200 ms file watch may have applied the edit before the POST: then the POST finds nothing new.
    assertThat(names(report.get("added"))).isSubsetOf("api-added");
    assertThat(names(report.get("jobs"))).contains("api-daily", "api-added");

    writeJobs(BASE_JOBS + job("api-watched")); // no POST: the file watch notices
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(names(json(call("GET", "/schedules", TOKEN)).get("jobs"), "name"))
            .contains("api-watched").doesNotContain("api-added"));

    writeJobs("[[job]\nname =");
    JsonNode broken = json(call("POST", "/schedules/reload", TOKEN));
    assertThat(broken.get("applied").asBoolean()).isFalse();
    assertThat(broken.get("problems").get(0).asString()).contains("not valid TOML");
    assertThat(names(broken.get("jobs"))).contains("api-daily", "api-watched");
  }

  @Test
  void gcDeletesFireRecordsOlderThanTheRetention() {
    Instant old = clock.instant().minus(Duration.ofDays(40));
    JdbcClient.create(dataSource)
        .sql("INSERT INTO schedule_fire (job_name, scheduled_at, fired_at, fired_by, trigger)"
            + " VALUES ('api-interval', :at, :at, 'long-gone', 'manual')")
        .param("at", MeshDb.ts(old))
        .update();

    HttpResponse<String> gc = call("POST", "/schedules/gc", TOKEN);
    assertThat(gc.statusCode()).isEqualTo(200);
    assertThat(json(gc).get("deleted").asInt()).isEqualTo(1);
    assertThat(json(gc).get("retention").asString()).isEqualTo("30d");
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    HttpResponse<String> health = call("GET", "/actuator/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(call("GET", "/actuator/prometheus", null).body()).contains("scheduler_jobs");
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static String job(String name) {
    return """

        [[job]]
        name = "%s"
        interval = "1h"
        mission = "api-ops"
        [job.task]
        title = "Added %s"
        """.formatted(name, name);
  }

  private static void writeJobs(String toml) throws IOException {
    Files.writeString(JOBS, toml);
  }

  private HttpResponse<String> call(String method, String path, String token) {
    return TestHttp.send(TestHttp.request(method, "http://localhost:" + port + path, token, null));
  }

  private HttpRequest.Builder builder(String method, String path) {
    return TestHttp.request(method, "http://localhost:" + port + path, null, null);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return MeshJson.mapper().readTree(response.body());
  }

  private static JsonNode jobNamed(JsonNode list, String name) {
    return StreamSupport.stream(list.get("jobs").spliterator(), false)
        .filter(j -> j.get("name").asString().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no job " + name + " in " + list));
  }

  private static List<String> names(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
  }

  private static List<String> names(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false).map(j -> j.get(field).asString()).toList();
  }
}
