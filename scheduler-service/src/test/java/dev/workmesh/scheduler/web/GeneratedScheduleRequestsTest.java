package dev.workmesh.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.MeshJson;
import dev.workmesh.testsupport.TestHttp;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.testsupport.MutableClock;
import dev.workmesh.testsupport.contract.ContractCheck;
import dev.workmesh.testsupport.contract.ContractRecordingFilter;
import dev.workmesh.testsupport.contract.Exchange;
import dev.workmesh.testsupport.contract.GeneratedRequests;
import dev.workmesh.testsupport.contract.OpenApiDocument;
import dev.workmesh.testsupport.contract.RequestGenerator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Requests made from scheduler-service's OpenAPI document for every {@code /schedules} operation, half of
 * them broken (bad job names, out-of-range and mistyped parameters, bodies nobody asked for, a missing or
 * wrong token): none gets a 5xx, every answer keeps to the document (the contract filter), and a refused
 * request changes no job's paused or enabled flag, fire record or task. The seed is printed; rerun with
 * -Dcontract.seed=N.
 */
@MeshIntegrationTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@Import(SchedulerApiContract.class)
class GeneratedScheduleRequestsTest {

  static final int REQUESTS_PER_OPERATION = 24;
  private static final String TOKEN = "operator-token-for-generated-requests-0123456789";
  private static final List<String> JOB_NAMES = List.of("gen-daily", "gen-interval", "gen-ghost");
  private static final String JOBS = """
      [[job]]
      name = "gen-daily"
      schedule = "30 6 * * *"
      mission = "gen-reports"
      [job.task]
      title = "Daily report"

      [[job]]
      name = "gen-interval"
      interval = "1h"
      mission = "gen-ops"
      [job.task]
      title = "Hourly check"

      [[job]]
      name = "gen-ghost"
      schedule = "0 0 1 1 *"
      mission = "gen-ops"
      [job.task]
      title = "For an agent that is not enrolled"
      claim_policy = "assigned"
      assigned_agent = "%s"
      """.formatted(UUID.randomUUID());
  /** Fire records, each job's paused and enabled flags, and the scheduler's tasks, as one string. */
  private static final String STATE = """
      SELECT (SELECT count(*) || ':' || coalesce(sum(hashtext(job_name || scheduled_at::text || trigger
                 || coalesce(task_id::text, '-') || coalesce(error, '-'))), 0) FROM schedule_fire) || '/'
          || (SELECT count(*) || ':' || coalesce(sum(hashtext(job_name || paused::text || enabled::text)), 0)
                 FROM schedule_state) || '/'
          || (SELECT count(*) FROM task WHERE submitted_by LIKE 'scheduler:%')
      """;

  @TestConfiguration
  static class StillTime {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return new MutableClock(Instant.parse("2030-01-07T06:29:00Z"));
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Path jobs = Files.createTempDirectory("scheduler-generated").resolve("cron.toml");
    Files.writeString(jobs, JOBS);
    MeshTestEnv.forClass(GeneratedScheduleRequestsTest.class).springProperties()
        .forEach((k, v) -> registry.add(k, () -> v));
    registry.add("scheduler-service.jobs-file", jobs::toString);
    registry.add("scheduler-service.operator-token", () -> TOKEN);
    registry.add("scheduler-service.tick-interval", () -> "200ms");
    registry.add("scheduler-service.replica-id", () -> "generated-requests");
  }

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired ContractRecordingFilter contract;

  @AfterEach
  void everyExchangeKeptToTheDocument() {
    assertThat(contract.takeViolations()).as("exchanges that differ from the document").isEmpty();
  }

  @Test
  void requestsMadeFromTheDocumentGetNo5xxKeepToItAndARefusedOneChangesNothing() {
    OpenApiDocument doc = SchedulerApiContract.document();
    ContractCheck check = new ContractCheck(doc);
    GeneratedRequests.Outcome outcome = GeneratedRequests.send("GeneratedScheduleRequestsTest", doc,
        template -> JOB_NAMES, REQUESTS_PER_OPERATION, new GeneratedRequests.Service() {
          private long seen;

          @Override
          public HttpResponse<String> send(GeneratedRequests.Request request) {
            seen = contract.checked();
            return toScheduler(request.operation().method(), request.target(), request.token(), request.body());
          }

          /** The database's view of the jobs and the API's: GET /schedules shows the flags and last fires too. */
          @Override
          public String state() {
            HttpResponse<String> list = toScheduler("GET", "/schedules", TOKEN, null);
            JsonNode jobs = MeshJson.mapper().readTree(list.body()).path("jobs");
            assertThat(contract.takeViolations()).as("reading the state").isEmpty();
            return new JdbcTemplate(dataSource).queryForObject(STATE, String.class) + " " + jobs;
          }

          @Override
          public List<String> tokens() {
            return Arrays.asList(null, "not-the-token", TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN);
          }

          @Override
          public String broken(String body, Random choice, RequestGenerator generator) {
            return choice.nextBoolean() ? generator.mutate(body) : body; // no body is the valid one here
          }

          @Override
          public void check(GeneratedRequests.Request request, HttpResponse<String> r) {
            String what = request.describe(r);
            assertThat(contract.takeViolations()).as(what).isEmpty();
            if (contract.checked() == seen) {
              // Refused before the contract filter (by Tomcat): held to the document as the client saw it.
              assertThat(check.violations(Exchange.seenByClient(request.operation().method(), request.path(),
                  request.body(), r))).as(what).isEmpty();
            }
            if (r.statusCode() == 422) {
              // The document's one refusal that changes state: the fire is recorded, with mesh-core's error.
              assertThat(request.operation().id()).as(what).isEqualTo("triggerJob");
              assertThat(MeshJson.mapper().readTree(r.body()).path("fire").path("error").asString("")).as(what)
                  .isNotBlank();
            }
          }

          @Override
          public boolean refused(GeneratedRequests.Request request, HttpResponse<String> r) {
            return r.statusCode() >= 400 && r.statusCode() != 422;
          }
        });
    assertThat(outcome.refused()).as("broken requests were refused").isGreaterThan(20);
    assertThat(outcome.statuses().keySet()).as("valid requests were accepted").contains("listJobs:200",
        "describeJob:200", "jobHistory:200", "triggerJob:201", "pauseJob:200", "resumeJob:200", "reloadJobs:200",
        "purgeFireRecords:200");
  }

  private HttpResponse<String> toScheduler(String method, String path, String token, String body) {
    return TestHttp.send(TestHttp.request(method, "http://localhost:" + port + path, token, body));
  }
}
