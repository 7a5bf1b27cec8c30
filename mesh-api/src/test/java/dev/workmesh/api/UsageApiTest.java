package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.CompleteRequest;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.Spending;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The usage an agent reports with the end of an attempt: strictly read, or refused naming the field. */
class UsageApiTest extends ApiTestBase {

  static final String VALID_USAGE =
      "{\"model\":\"claude-sonnet-4-5\",\"input_tokens\":1200,\"output_tokens\":300,\"cost_usd\":0.0123}";

  private record Held(EnrolledAgent agent, TaskView task, ClaimView claim) {}

  private Held claimedTask(MissionView mission) {
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent agent = enrol(pool);
    TaskView task = operator().submit(mission.id(), new TaskRequest("work", "do it", null, null, pool, null, null,
        null, null, null, null, null, null, null, null)).task();
    ClaimView claim = as(agent.token()).claimTask(task.id()).orElseThrow();
    return new Held(agent, task, claim);
  }

  private static JsonNode json(String body) {
    return MeshClient.JSON.readTree(body);
  }

  private static String complete(Held h, String usage) {
    return "{\"claim_token\":\"" + h.claim().claimToken() + "\",\"exit_code\":0,\"usage\":" + usage + "}";
  }

  private static String batch(Held h, String outcome, String usage) {
    return "{\"reports\":[{\"task_id\":\"" + h.task().id() + "\",\"claim_token\":\"" + h.claim().claimToken()
        + "\",\"outcome\":\"" + outcome + "\",\"usage\":" + usage + "}]}";
  }

  @Test
  void validUsageIsAcceptedBySingleAndBatchedReportsAndNullMeansNone() throws Exception {
    MissionView mission = newMission();
    Held completed = claimedTask(mission);
    assertThat(raw("POST", "/work/tasks/" + completed.task().id() + "/complete", completed.agent().token(),
        complete(completed, VALID_USAGE)).statusCode()).isEqualTo(200);

    Held failed = claimedTask(mission);
    HttpResponse<String> fail = raw("POST", "/work/tasks/" + failed.task().id() + "/fail", failed.agent().token(),
        "{\"claim_token\":\"" + failed.claim().claimToken() + "\",\"error\":\"exit 1\",\"retryable\":false,"
            + "\"usage\":{\"model\":null,\"input_tokens\":5,\"output_tokens\":0,\"cost_usd\":null}}");
    assertThat(fail.statusCode()).as(fail.body()).isEqualTo(200);

    Held batched = claimedTask(mission);
    HttpResponse<String> report =
        raw("POST", "/work/reports", batched.agent().token(), batch(batched, "succeeded", VALID_USAGE));
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(json(report.body()).path("results").get(0).path("accepted").asBoolean()).isTrue();

    Held without = claimedTask(mission);
    assertThat(raw("POST", "/work/tasks/" + without.task().id() + "/complete", without.agent().token(),
        complete(without, "null")).statusCode()).isEqualTo(200);
  }

  @Test
  void badUsageIsA400NamingTheFieldAndChangesNothing() throws Exception {
    MissionView mission = newMission();
    Held single = claimedTask(mission);
    Held batched = claimedTask(mission);
    Map<String, String> bad = Map.ofEntries(
        Map.entry("{\"input_tokens\":-1,\"output_tokens\":0}", "usage.input_tokens"),
        Map.entry("{\"input_tokens\":1.5,\"output_tokens\":0}", "usage.input_tokens"),
        Map.entry("{\"input_tokens\":\"12\",\"output_tokens\":0}", "usage.input_tokens"),
        Map.entry("{\"input_tokens\":99999999999999999999999,\"output_tokens\":0}", "usage.input_tokens"),
        Map.entry("{\"input_tokens\":1}", "usage.output_tokens"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":true}", "usage.output_tokens"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"cost_usd\":-0.5}", "usage.cost_usd"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"cost_usd\":1e400}", "usage.cost_usd"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"cost_usd\":\"0.1\"}", "usage.cost_usd"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"model\":42}", "usage.model"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"model\":\"" + "m".repeat(201) + "\"}", "usage.model"),
        Map.entry("{\"input_tokens\":1,\"output_tokens\":1,\"tokens\":2}", "usage.tokens"),
        Map.entry("[1,2]", "usage"),
        Map.entry("\"lots\"", "usage"));
    for (var probe : bad.entrySet()) {
      HttpResponse<String> r = raw("POST", "/work/tasks/" + single.task().id() + "/complete", single.agent().token(),
          complete(single, probe.getKey()));
      assertThat(r.statusCode()).as(probe.getKey() + " -> " + r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(json(r.body()).path("errors").findValuesAsString("field")).as(r.body()).contains(probe.getValue());

      HttpResponse<String> b =
          raw("POST", "/work/reports", batched.agent().token(), batch(batched, "failed", probe.getKey()));
      assertThat(b.statusCode()).as(probe.getKey() + " -> " + b.body()).isEqualTo(400);
      assertThat(json(b.body()).path("errors").findValuesAsString("field")).as(b.body())
          .contains("reports[0]." + probe.getValue());
    }
    for (Held h : new Held[] {single, batched}) {
      TaskView after = operator().task(h.task().id());
      assertThat(after.status()).isEqualTo("claimed");
      assertThat(after.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isNull());
    }
  }

  @Test
  void theTaskShowsUsagePerAttemptAndInTotalAndTheMissionShowsItsSpendingAgainstItsBudget() throws Exception {
    MissionView mission = operator().createMission("budget-" + UUID.randomUUID(), "", new Budget(1000L, null));
    assertThat(mission.budget()).isEqualTo(new Budget(1000L, null));
    assertThat(mission.budgetExhausted()).isFalse();
    Held first = claimedTask(mission);
    as(first.agent().token()).complete(first.task().id(), new CompleteRequest(first.claim().claimToken(), null, 0,
        null, new Usage("claude-sonnet-4-5", 900, 150, new BigDecimal("0.0123"))));

    TaskView task = operator().task(first.task().id());
    assertThat(task.attempts()).singleElement().satisfies(a -> assertThat(a.usage())
        .isEqualTo(new Usage("claude-sonnet-4-5", 900, 150, new BigDecimal("0.0123"))));
    assertThat(task.usageTotal()).isEqualTo(new Spending(900, 150, 1050, new BigDecimal("0.0123")));
    JsonNode wire = json(raw("GET", "/work/tasks/" + task.id(), OPERATOR_TOKEN, null).body());
    assertThat(wire.path("attempts").get(0).path("usage").path("input_tokens").asLong()).isEqualTo(900);
    assertThat(wire.path("usage_total").path("cost_usd").decimalValue()).isEqualByComparingTo("0.0123");

    MissionView spent = operator().mission(mission.id());
    assertThat(spent.budgetExhausted()).isTrue();
    assertThat(spent.spent().tokens()).isEqualTo(1050);
    assertThat(spent.spent().costUsd()).isEqualByComparingTo("0.0123");
    JsonNode missionWire = json(raw("GET", "/work/missions/" + mission.id(), OPERATOR_TOKEN, null).body());
    assertThat(missionWire.path("budget_exhausted").asBoolean()).isTrue();
    assertThat(missionWire.path("budget").path("tokens").asLong()).isEqualTo(1000);
    assertThat(missionWire.path("spent").path("tokens").asLong()).isEqualTo(1050);

    // Its next task is not claimed, named or not.
    String pool = "p-" + UUID.randomUUID();
    EnrolledAgent agent = enrol(pool);
    TaskView next = operator().submit(mission.id(), new TaskRequest("next", "", null, null, pool, null, null, null,
        null, null, null, null, null, null, null)).task();
    assertThat(as(agent.token()).claimTask(next.id())).isEmpty();
    assertThat(operator().task(next.id()).status()).isEqualTo("ready");

    // Only the operator may raise it; then the task is claimable again.
    HttpResponse<String> byAgent = raw("PUT", "/work/missions/" + mission.id() + "/budget", agent.token(),
        "{\"tokens\":999999}");
    assertThat(byAgent.statusCode()).isEqualTo(403);
    HttpResponse<String> fractional = raw("PUT", "/work/missions/" + mission.id() + "/budget", OPERATOR_TOKEN,
        "{\"tokens\":5000.5}");
    assertThat(fractional.statusCode()).as(fractional.body()).isEqualTo(400);
    assertThat(json(fractional.body()).path("errors").findValuesAsString("field")).contains("tokens");
    assertThat(operator().mission(mission.id()).budgetExhausted()).isTrue();
    MissionView raised = operator().setMissionBudget(mission.id(), new Budget(5000L, null));
    assertThat(raised.budgetExhausted()).isFalse();
    assertThat(raised.budget()).isEqualTo(new Budget(5000L, null));
    assertThat(as(agent.token()).claimTask(next.id())).isPresent();
  }

  @Test
  void aMissionBudgetIsReadStrictly() throws Exception {
    Map<String, String> bad = Map.of(
        "{\"tokens\":1.5}", "budget.tokens",
        "{\"tokens\":\"100\"}", "budget.tokens",
        "{\"tokens\":-1}", "budget.tokens",
        "{\"cost_usd\":-0.01}", "budget.cost_usd",
        "{\"cost_usd\":1e400}", "budget.cost_usd",
        "{\"usd\":5}", "budget.usd",
        "7", "budget");
    for (var probe : bad.entrySet()) {
      String name = "b-" + UUID.randomUUID();
      HttpResponse<String> r = raw("POST", "/work/missions", OPERATOR_TOKEN,
          "{\"name\":\"" + name + "\",\"budget\":" + probe.getKey() + "}");
      assertThat(r.statusCode()).as(probe.getKey() + " -> " + r.body()).isEqualTo(400);
      assertThat(json(r.body()).path("errors").findValuesAsString("field")).as(r.body()).contains(probe.getValue());
      // nothing was created: the name is still free
      assertThat(operator().createMission(name, "").name()).isEqualTo(name);
    }
    HttpResponse<String> ok = raw("POST", "/work/missions", OPERATOR_TOKEN,
        "{\"name\":\"b-" + UUID.randomUUID() + "\",\"budget\":{\"tokens\":null,\"cost_usd\":2.5}}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(json(ok.body()).path("budget").path("cost_usd").decimalValue()).isEqualByComparingTo("2.5");
    assertThat(json(ok.body()).path("budget_exhausted").asBoolean()).isFalse();
  }
}
