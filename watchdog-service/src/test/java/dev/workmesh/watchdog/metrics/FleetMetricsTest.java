package dev.workmesh.watchdog.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.workmesh.core.MeshCore;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.agent.NewAgent;
import dev.workmesh.core.claim.AttemptReports.Failure;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.task.AttemptOutcome;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.testsupport.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on a real database: after a killed worker is rescued by the running watchdog, what
 * {@code /actuator/prometheus} shows for agents, tasks, queues and rescues is exactly what the database says.
 */
@MeshIntegrationTest
@DirtiesContext // closed while the test database is still up, not in a JVM shutdown hook racing it
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "watchdog-service.sweep-interval=50ms",
    "watchdog-service.metrics-refresh-interval=100ms",
    "watchdog-service.replica-id=metrics-test"})
class FleetMetricsTest {

  @DynamicPropertySource
  static void props(DynamicPropertyRegistry r) {
    MeshTestEnv.forClass(FleetMetricsTest.class).springProperties().forEach((k, v) -> r.add(k, () -> v));
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class TestClock {
    @Bean
    @Primary
    MutableClock testClock() {
      return MutableClock.startingNow();
    }
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

  @LocalServerPort int port;
  @Autowired MeshCore core;
  @Autowired MutableClock clock;
  @Autowired FleetGauges gauges;

  @Test
  void theScrapeShowsWhatTheDatabaseSays() throws Exception {
    Agent gpuA = enrol("gpu");
    Agent gpuB = enrol("gpu");
    Agent killed = enrol("default");
    Agent revoked = enrol("default");
    UUID mission = core.missions().create("metrics", "").id();

    // A worker claims and dies; its peers keep beating; the running watchdog rescues its claim.
    UUID dying = submit(mission, "default", 3);
    core.claims().claimTask(killed.id(), dying).orElseThrow();
    // The peers beat before the killed worker's silence passes the threshold, so the background sweep
    // never sees them stale, however it is scheduled.
    clock.advance(Duration.ofSeconds(20));
    core.agents().heartbeat(gpuA.id());
    core.agents().heartbeat(gpuB.id());
    clock.advance(Duration.ofSeconds(11));
    core.revokeAgent(revoked.id());
    await().atMost(Duration.ofSeconds(15)).until(() -> core.tasks().attempts(dying).getFirst().outcome() != null
        && core.agents().get(killed.id()).status() == AgentStatus.UNHEALTHY);
    // Retried after mesh-core's default backoff (at most 1s after a first attempt); the scheduler promotes it.
    clock.advance(Duration.ofSeconds(1));
    core.maintenance().promoteDue(100);
    assertThat(core.tasks().get(dying).status()).isEqualTo(TaskStatus.READY);

    // Queues that have waited different times, and tasks in other states.
    submit(mission, "default", 3);
    clock.advance(Duration.ofSeconds(7));
    submit(mission, "gpu", 3);
    submit(mission, "gpu", 3);
    clock.advance(Duration.ofMillis(2500));
    core.submitter().submit(mission, NewTask.builder("later").notBefore(clock.instant().plus(Duration.ofHours(1))).build(),
        "operator");
    UUID running = submit(mission, "gpu", 3);
    Claim gpuClaim = core.claims().claimTask(gpuA.id(), running).orElseThrow();
    core.reports().heartbeat(running, gpuClaim.claimToken(), gpuA.id());
    UUID failing = submit(mission, "gpu", 1);
    Claim failingClaim = core.claims().claimTask(gpuB.id(), failing).orElseThrow();
    core.reports().fail(failing, failingClaim.claimToken(), gpuB.id(),
        new Failure(AttemptOutcome.FAILED, "exit 1", true, 1, null));
    core.actions().cancel(submit(mission, "default", 3));

    // The clock stands still from here on, so the database and the gauges agree exactly.
    FleetSnapshot snapshot = gauges.refresh();
    Map<String, Double> scrape = scrape();

    for (AgentStatus s : AgentStatus.values()) {
      long inDb = count("SELECT count(*) FROM agent WHERE status = ?", s.wire());
      assertThat(scrape).as("mesh_agents{status=%s}", s.wire())
          .containsEntry("mesh_agents{status=\"" + s.wire() + "\"}", (double) inDb);
    }
    for (TaskStatus s : TaskStatus.values()) {
      long inDb = count("SELECT count(*) FROM task WHERE status = ?", s.wire());
      assertThat(scrape).as("mesh_tasks{status=%s}", s.wire())
          .containsEntry("mesh_tasks{status=\"" + s.wire() + "\"}", (double) inDb);
    }
    Instant now = clock.instant();
    for (String pool : List.of("default", "gpu")) {
      long depth = count("SELECT count(*) FROM task WHERE status = 'ready' AND pool = ?", pool);
      Instant oldest = core.db().jdbc().sql("SELECT min(ready_at) FROM task WHERE status = 'ready' AND pool = ?")
          .param(pool).query(Instant.class).single();
      assertThat(scrape).containsEntry("mesh_queue_depth{pool=\"" + pool + "\"}", (double) depth);
      assertThat(scrape).containsEntry("mesh_oldest_ready_age_seconds{pool=\"" + pool + "\"}",
          Duration.between(oldest, now).toMillis() / 1000.0);
    }
    long unpublished = core.db().jdbc().sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        .query(Long.class).single();
    Instant oldestUnpublished = core.db().jdbc().sql("SELECT min(created_at) FROM outbox WHERE published_at IS NULL")
        .query(Instant.class).single();
    assertThat(unpublished).as("no relay runs in this test: every event waits").isGreaterThan(10);
    assertThat(scrape).containsEntry("mesh_outbox_pending", (double) unpublished)
        .containsEntry("mesh_outbox_oldest_pending_age_seconds", Duration.between(oldestUnpublished, now).toMillis() / 1000.0);
    // The scenario's own numbers, so the comparison above cannot pass on empty data.
    assertThat(scrape).containsEntry("mesh_queue_depth{pool=\"default\"}", 2.0)
        .containsEntry("mesh_queue_depth{pool=\"gpu\"}", 2.0)
        .containsEntry("mesh_oldest_ready_age_seconds{pool=\"gpu\"}", 2.5)
        .containsEntry("mesh_agents{status=\"unhealthy\"}", 1.0)
        .containsEntry("mesh_agents{status=\"revoked\"}", 1.0)
        .containsEntry("mesh_tasks{status=\"failed\"}", 1.0)
        .containsEntry("mesh_tasks{status=\"pending\"}", 1.0);
    assertThat(snapshot.pools().get("gpu").depth()).isEqualTo(2);

    long lost = count("SELECT count(*) FROM attempt WHERE outcome = 'lost' AND agent_id = ?", killed.id());
    assertThat(lost).isEqualTo(1);
    assertThat(scrape).containsEntry("mesh_lease_rescues_total{outcome=\"lapsed\"}", 1.0)
        .containsEntry("mesh_lease_rescues_total{outcome=\"agent_gone\"}", 0.0)
        .containsEntry("mesh_agent_health_transitions_total{from=\"connected\",to=\"unhealthy\"}", 1.0)
        .containsEntry("mesh_broadcast_targets_abandoned_total", 0.0)
        .containsEntry("mesh_loop_runs_total{loop=\"fleet-gauges\",outcome=\"error\",step=\"fleet-gauges\"}", 0.0)
        .containsEntry("mesh_loop_runs_total{loop=\"watchdog\",outcome=\"error\",step=\"lease-rescue\"}", 0.0)
        .containsEntry("mesh_watchdog_leader", 1.0);
  }

  @Test
  void theGaugesFollowTheDatabaseWithoutAnyoneCallingRefresh() throws Exception {
    Agent agent = enrol("refresh-pool");
    UUID mission = core.missions().create("refresh", "").id();
    submit(mission, "refresh-pool", 3);
    submit(mission, "refresh-pool", 3);
    await("the background refresh picks the new queue up").atMost(Duration.ofSeconds(10))
        .until(() -> scrape().get("mesh_queue_depth{pool=\"refresh-pool\"}"), depth -> depth != null && depth == 2.0);
    assertThat(agent.pools()).containsExactly("refresh-pool");
  }

  private Agent enrol(String pool) {
    return core.agents().enrol(new NewAgent("agent-" + UUID.randomUUID(), List.of(pool), List.of(), List.of(), 10,
        Map.of())).agent();
  }

  private UUID submit(UUID mission, String pool, int maxAttempts) {
    return core.submitter().submit(mission, NewTask.builder("t-" + UUID.randomUUID()).pool(pool).maxAttempts(maxAttempts)
        .build(), "operator").task().id();
  }

  private long count(String sql, Object param) {
    return core.db().jdbc().sql(sql).param(param).query(Long.class).single();
  }

  /** The mesh_ samples of the Prometheus scrape, keyed by name and labels as exposed. */
  private Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      Matcher m = SAMPLE.matcher(line.strip());
      if (!line.startsWith("#") && m.matches() && m.group(1).startsWith("mesh_")) {
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }
}
