package dev.workmesh.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A generated corpus of malformed and hostile calls against every MCP tool, over Streamable HTTP, as raw
 * JSON-RPC (so that nothing on the client side cleans it up). The corpus is derived from each tool's own
 * input schema (as {@code tools/list} publishes it): every field gets wrong types, values outside its
 * pattern, enum, length and bounds, SQL and shell metacharacters, unicode edge cases, huge and deeply nested
 * values; plus invalid durations, unknown ids, other agents' and stale claim tokens, and wrong bearer tokens.
 * Every call is refused (an {@code isError} result, a JSON-RPC error, or a 4xx at the transport), none is
 * an internal error or a 5xx, the mesh's durable state is unchanged, and the services stay healthy.
 */
@ExtendWith(FaultSummaryExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileMcpInputTest {

  static final String HOSTILE_TEXT = "'; DROP TABLE task; -- $(touch MARKER) `touch MARKER` && touch MARKER | cat"
      + " /etc/passwd > x \" \\ \u202e\u0645\u0631\u062d\u0628\u0627 \uD83D\uDE80 e\u0301 \u200b\u2028\u2029 %s%n{0}";

  Path dir;
  FaultStack stack;
  FaultStack.Service api;
  FaultStack.Service mcpServer;
  FaultStack.Service scheduler;
  MeshClient operator;
  MeshDatabase db;
  Path marker;

  EnrolledAgent agentA;
  EnrolledAgent agentB;
  EnrolledAgent revoked;
  MissionView mission;
  MissionView empty;
  UUID heldByA;        // T1: A's live claim
  String tokenA;
  UUID releasedByA;    // T2: A claimed it and released it: tokenA2 is stale
  String staleTokenA;
  UUID heldByB;        // T4: B's live claim
  String tokenB;
  UUID readyTask;      // T3: ready, submitted by the operator, in a pool nobody serves
  UUID cancelledTask;  // T5: cancelled, so retry_mesh_task has a valid target
  UUID submittedByA;   // T6: A's own task, so cancel_mesh_task has a valid target for A
  RawMcp asA;
  RawMcp asB;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    stack = FaultStack.start(dir, FaultLedger.unlisted("hostile input: set-up"));
    FaultStack.writeFile(dir.resolve("cron.toml"), """
        [[job]]
        name = "yearly"
        schedule = "0 0 1 1 *"
        mission = "hostile-cron"
        [job.task]
        title = "once a year"
        """);
    // Long leases: the claims of this scenario must not lapse while the corpus runs (no watchdog either).
    api = stack.startApi("mesh-api", Map.of("mesh-api.lease", "1h", "mesh-api.max-body-size", "2MB"));
    // No re-dispatch while the corpus runs: it would touch the ready tasks (dispatched_at, an outbox record).
    scheduler = stack.startScheduler("scheduler-service", Map.of("scheduler-service.redispatch-after", "1h"));
    mcpServer = stack.startMcp("mcp-server", api.url());
    operator = FaultStack.operator(api.url());
    db = stack.database();
    marker = dir.resolve("MARKER");

    agentA = operator.enrol(new AgentRequest("agent-a", List.of("pool-a"), List.of(), List.of(), 100, Map.of()));
    agentB = operator.enrol(new AgentRequest("agent-b", List.of("pool-b"), List.of(), List.of(), 10, Map.of()));
    revoked = operator.enrol(new AgentRequest("agent-r", List.of("pool-r"), List.of(), List.of(), 1, Map.of()));
    operator.revoke(revoked.agent().id());
    MeshClient a = new MeshClient(api.url(), agentA.token());
    MeshClient b = new MeshClient(api.url(), agentB.token());
    mission = operator.createMission("hostile", "the corpus' target");
    empty = operator.createMission("hostile-empty", "nothing to claim here");

    heldByA = submit(operator, "pool-a", "held by A");
    tokenA = a.claimTask(heldByA).orElseThrow().claimToken();
    releasedByA = submit(operator, "pool-a", "released by A");
    staleTokenA = a.claimTask(releasedByA).orElseThrow().claimToken();
    a.release(releasedByA, staleTokenA);
    heldByB = submit(operator, "pool-b", "held by B");
    tokenB = b.claimTask(heldByB).orElseThrow().claimToken();
    readyTask = submit(operator, "pool-z", "ready, nobody serves pool-z");
    cancelledTask = submit(operator, "pool-z", "cancelled");
    operator.cancel(cancelledTask);
    submittedByA = submit(a, "pool-z", "submitted by A");

    asA = new RawMcp(mcpServer.url(), agentA.token()).initialize();
    asB = new RawMcp(mcpServer.url(), agentB.token()).initialize();
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  UUID submit(MeshClient client, String pool, String title) {
    return client.submit(mission.id(), new TaskRequest(title, "", null, null, pool, null, null, null, null, null, null,
        null, null, null, null)).task().id();
  }

  // --- the corpus ---------------------------------------------------------------------------------------------

  /** One call of the corpus. */
  record Probe(String kind, RawMcp session, String tool, String arguments) {}

  /** How one call ended. */
  enum Verdict { REFUSED, ACCEPTED, SERVER_ERROR, INTERNAL_ERROR, NO_ANSWER }

  static final class Tally {
    final Map<String, Integer> byKind = new LinkedHashMap<>();
    final Map<Verdict, Integer> byVerdict = new LinkedHashMap<>();
    final Map<String, Integer> refusedAs = new java.util.TreeMap<>();
    final List<String> offenders = new ArrayList<>();
    int calls;
  }

  Verdict judge(RawMcp.Answer answer) {
    if (answer.status() >= 500) {
      return Verdict.SERVER_ERROR;
    }
    if (answer.status() != 200) {
      return Verdict.REFUSED; // 4xx at the transport (401, 404, 413...)
    }
    if (answer.jsonRpcError()) {
      int code = answer.message().get("error").path("code").asInt();
      return code == -32603 ? Verdict.INTERNAL_ERROR : Verdict.REFUSED;
    }
    if (answer.toolError()) {
      String text = answer.text();
      if (text.contains("(HTTP 5") || text.contains("failed inside the MCP server")
          || text.contains("could not read")) {
        return Verdict.INTERNAL_ERROR;
      }
      return Verdict.REFUSED;
    }
    return answer.toolSuccess() ? Verdict.ACCEPTED : Verdict.SERVER_ERROR;
  }

  Tally run(List<Probe> probes, FaultLedger.Scenario scenario) throws Exception {
    Tally tally = new Tally();
    for (Probe p : probes) {
      RawMcp.Answer answer;
      Verdict verdict;
      try {
        answer = callOnce(p);
        verdict = judge(answer);
      } catch (java.io.IOException e) {
        answer = new RawMcp.Answer(-1, "no answer: " + e.getMessage(), null);
        verdict = Verdict.NO_ANSWER;
      }
      tally.calls++;
      tally.byKind.merge(p.kind(), 1, Integer::sum);
      if (verdict == Verdict.REFUSED) {
        tally.refusedAs.merge(answer.status() != 200 ? "HTTP " + answer.status()
            : answer.jsonRpcError() ? "JSON-RPC error " + answer.message().get("error").path("code").asInt()
            : "isError result", 1, Integer::sum);
      }
      tally.byVerdict.merge(verdict, 1, Integer::sum);
      scenario.faultInjected("hostile MCP call");
      if (verdict != Verdict.REFUSED) {
        tally.offenders.add(verdict + " " + p.tool() + " " + abbreviate(p.arguments()) + " -> HTTP " + answer.status()
            + " " + abbreviate(answer.text()));
      }
    }
    return tally;
  }

  int droppedConnections;
  final List<String> droppedKinds = new ArrayList<>();

  /**
   * One call; a connection the server dropped without an answer is counted and the call made once more on a
   * new connection, so that one bad request does not blame the next.
   */
  RawMcp.Answer callOnce(Probe p) throws Exception {
    try {
      return p.session().call(p.tool(), p.arguments());
    } catch (java.io.IOException e) {
      droppedConnections++;
      droppedKinds.add(p.kind());
      return p.session().call(p.tool(), p.arguments());
    }
  }

  /** Valid arguments for each tool, as agent A: the corpus breaks one thing at a time. */
  Map<String, ObjectNode> bases() {
    Map<String, ObjectNode> bases = new LinkedHashMap<>();
    bases.put("create_mission", obj("name", "valid-name-never-created"));
    bases.put("list_missions", obj("limit", 10));
    bases.put("submit_mesh_task", obj("mission_id", mission.id().toString(), "title", "probe", "pool", "pool-z"));
    bases.put("claim_mesh_task", obj("mission_id", empty.id().toString(), "wait_seconds", 0));
    bases.put("heartbeat_mesh_task", obj("task_id", heldByA.toString(), "claim_token", tokenA));
    bases.put("complete_mesh_task", obj("task_id", heldByA.toString(), "claim_token", tokenA, "result",
        MeshClient.JSON.createObjectNode().put("ok", true)));
    bases.put("fail_mesh_task", obj("task_id", heldByA.toString(), "claim_token", tokenA, "error", "probe"));
    bases.put("release_mesh_task", obj("task_id", heldByA.toString(), "claim_token", tokenA));
    bases.put("retry_mesh_task", obj("task_id", cancelledTask.toString()));
    bases.put("cancel_mesh_task", obj("task_id", submittedByA.toString()));
    bases.put("get_mesh_task", obj("task_id", heldByA.toString()));
    bases.put("await_mesh_task", obj("task_id", heldByA.toString(), "wait_seconds", 0));
    bases.put("list_mesh_tasks", obj("mission_id", mission.id().toString(), "limit", 10));
    return bases;
  }

  /** Values that break {@code schema} (a property's JSON schema), each with a name for the tally. */
  static Map<String, JsonNode> invalidValuesFor(String property, JsonNode schema) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    String type = schema.path("type").asString("");
    if (type.isEmpty()) {
      return out; // any JSON value is valid here (a completion's result)
    }
    var json = MeshClient.JSON;
    // Wrong JSON types.
    if (!type.equals("string")) {
      out.put("wrong type: string", json.valueToTree("'; DROP TABLE task; --"));
    }
    if (!type.equals("integer") && !type.isEmpty()) {
      out.put("wrong type: number", json.valueToTree(12345));
    }
    if (!type.equals("boolean") && !type.isEmpty()) {
      out.put("wrong type: boolean", json.valueToTree(true));
    }
    if (!type.equals("array") && !type.isEmpty()) {
      out.put("wrong type: array", json.createArrayNode().add("$(touch MARKER)"));
    }
    if (!type.equals("object") && !type.isEmpty()) {
      out.put("wrong type: object", json.createObjectNode().put("$where", "sleep(1000)"));
    }
    switch (type) {
      case "string" -> {
        if (schema.has("pattern")) {
          for (String bad : List.of("'; DROP TABLE task; --", "$(touch MARKER)", "`touch MARKER`", "../../etc/passwd",
              "\u202eevil", "\u540d\u524d", "a b", "\u0000", "\uD800", "x".repeat(5_000))) {
            out.put("pattern: " + kindOf(bad), json.valueToTree(bad));
          }
        }
        if (schema.has("enum")) {
          String first = schema.get("enum").get(0).asString();
          for (String bad : List.of("whoever", first.toUpperCase(), first + " ", first + "; DROP TABLE task", "")) {
            out.put("enum: " + kindOf(bad), json.valueToTree(bad));
          }
        }
        if (schema.path("minLength").asInt(0) >= 1) {
          out.put("empty string", json.valueToTree(""));
        }
        if (schema.has("maxLength")) {
          out.put("too long by one", json.valueToTree("y".repeat(schema.get("maxLength").asInt() + 1)));
        }
        if ("date-time".equals(schema.path("format").asString(""))) {
          for (String bad : List.of("yesterday", "2030-13-45T99:99:99Z", "1700000000")) {
            out.put("date-time: " + kindOf(bad), json.valueToTree(bad));
          }
        }
      }
      case "integer" -> {
        out.put("integer as string", json.valueToTree("5"));
        out.put("fraction", json.valueToTree(1.5));
        if (schema.has("minimum")) {
          out.put("below minimum", json.valueToTree(schema.get("minimum").asLong() - 1));
        }
        if (schema.has("maximum")) {
          out.put("above maximum", json.valueToTree(schema.get("maximum").asLong() + 1));
        }
        out.put("2^63 (overflow)", json.readTree("9223372036854775808"));
        out.put("-2^63-1 (overflow)", json.readTree("-9223372036854775809"));
        out.put("1e308", json.readTree("1e308"));
      }
      case "boolean" -> {
        out.put("boolean as string", json.valueToTree("true"));
        out.put("boolean as number", json.valueToTree(1));
      }
      case "array" -> {
        JsonNode items = schema.path("items");
        int max = schema.path("maxItems").asInt(1000);
        var many = json.createArrayNode();
        for (int i = 0; i < max + 1; i++) {
          many.add(items.has("pattern") && items.path("pattern").asString().contains("0-9a-fA-F]{8}")
              ? UUID.randomUUID().toString() : "c" + i);
        }
        out.put("maxItems + 1", many);
        out.put("item of wrong type", json.createArrayNode().add(42));
        out.put("nested arrays", json.createArrayNode().add(json.createArrayNode().add("x")));
        if (items.has("pattern")) {
          out.put("item breaking the pattern", json.createArrayNode().add("$(touch MARKER)"));
        }
        if (schema.path("uniqueItems").asBoolean(false)) {
          String item = items.path("pattern").asString("").contains("0-9a-fA-F]{8}") ? UUID.randomUUID().toString() : "dup";
          out.put("duplicate items", json.createArrayNode().add(item).add(item));
        }
      }
      default -> { }
    }
    return out;
  }

  static String kindOf(String s) {
    if (s.length() > 100) {
      return "huge (" + s.length() + " chars)";
    }
    if (s.indexOf('\0') >= 0) {
      return "NUL";
    }
    if (s.equals("\uD800")) {
      return "lone surrogate";
    }
    return s.isEmpty() ? "empty" : s.replace("\u202e", "<RLO>");
  }

  List<Probe> schemaCorpus() throws Exception {
    JsonNode tools = asA.listTools().result().get("tools");
    Map<String, ObjectNode> bases = bases();
    List<Probe> probes = new ArrayList<>();
    for (JsonNode tool : tools) {
      String name = tool.get("name").asString();
      ObjectNode base = bases.get(name);
      assertThat(base).as("a valid base for every published tool (%s)", name).isNotNull();
      JsonNode schema = tool.get("inputSchema");
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        for (Map.Entry<String, JsonNode> bad : invalidValuesFor(property.getKey(), property.getValue()).entrySet()) {
          ObjectNode args = base.deepCopy();
          args.set(property.getKey(), bad.getValue());
          Probe probe = new Probe("schema: " + bad.getKey(), asA, name, args.toString());
          probes.add(probe);
        }
      }
      for (JsonNode required : schema.path("required")) {
        ObjectNode args = base.deepCopy();
        args.remove(required.asString());
        probes.add(new Probe("missing required field", asA, name, args.toString()));
      }
      for (String unknown : List.of("colour", "__proto__", "mission_id ", "$where")) {
        if (!schema.get("properties").has(unknown)) {
          ObjectNode args = base.deepCopy();
          args.put(unknown, "x");
          probes.add(new Probe("unknown field", asA, name, args.toString()));
        }
      }
      for (String notAnObject : List.of("[]", "\"x\"", "42", "[" + base + "]")) {
        probes.add(new Probe("arguments not an object", asA, name, notAnObject));
      }
    }
    return probes;
  }

  List<Probe> semanticCorpus() {
    List<Probe> probes = new ArrayList<>();
    String t1 = heldByA.toString();
    for (String tool : List.of("heartbeat_mesh_task", "complete_mesh_task", "fail_mesh_task", "release_mesh_task")) {
      ObjectNode extra = tool.equals("complete_mesh_task") ? obj("result", "late")
          : tool.equals("fail_mesh_task") ? obj("error", "late") : obj();
      // Another agent presenting A's live claim token.
      probes.add(new Probe("claim token: another agent's", asB, tool, with(extra, "task_id", t1, "claim_token", tokenA)));
      // A presenting B's token, a stale token of its own, forged tokens.
      probes.add(new Probe("claim token: other task's", asA, tool, with(extra, "task_id", t1, "claim_token", tokenB)));
      probes.add(new Probe("claim token: stale", asA, tool, with(extra, "task_id", t1, "claim_token", staleTokenA)));
      probes.add(new Probe("claim token: stale", asA, tool,
          with(extra, "task_id", releasedByA.toString(), "claim_token", staleTokenA)));
      probes.add(new Probe("claim token: B's task with B's token", asA, tool,
          with(extra, "task_id", heldByB.toString(), "claim_token", tokenB)));
      for (String forged : List.of("wm_claim_" + UUID.randomUUID(), "' OR '1'='1", "wm_claim_%00", "\u0000",
          tokenA + " ", tokenA.toUpperCase(), "wm_agent_" + "A".repeat(43))) {
        probes.add(new Probe("claim token: forged", asA, tool, with(extra, "task_id", t1, "claim_token", forged)));
      }
      probes.add(new Probe("unknown task", asA, tool,
          with(extra, "task_id", UUID.randomUUID().toString(), "claim_token", tokenA)));
    }
    probes.add(new Probe("cancel: another agent's task", asB, "cancel_mesh_task", obj("task_id", submittedByA.toString()).toString()));
    probes.add(new Probe("cancel: the operator's task", asA, "cancel_mesh_task", obj("task_id", readyTask.toString()).toString()));
    probes.add(new Probe("cancel: unknown task", asA, "cancel_mesh_task", obj("task_id", UUID.randomUUID().toString()).toString()));
    probes.add(new Probe("retry: a ready task", asA, "retry_mesh_task", obj("task_id", readyTask.toString()).toString()));
    probes.add(new Probe("retry: a claimed task", asA, "retry_mesh_task", obj("task_id", t1).toString()));
    probes.add(new Probe("retry: unknown task", asA, "retry_mesh_task", obj("task_id", UUID.randomUUID().toString()).toString()));
    probes.add(new Probe("claim: as another agent", asB, "claim_mesh_task",
        obj("mission_id", mission.id().toString(), "agent_id", agentA.agent().id().toString()).toString()));
    probes.add(new Probe("claim: unknown mission", asA, "claim_mesh_task", obj("mission_id", UUID.randomUUID().toString()).toString()));
    probes.add(new Probe("get: unknown task", asA, "get_mesh_task", obj("task_id", UUID.randomUUID().toString()).toString()));
    probes.add(new Probe("list: unknown mission", asA, "list_mesh_tasks", obj("mission_id", UUID.randomUUID().toString()).toString()));
    for (String cursor : List.of("'; DROP TABLE task; --", "not-a-cursor", "\u0000", "../../../etc/passwd")) {
      probes.add(new Probe("list: hostile cursor", asA, "list_mesh_tasks",
          obj("mission_id", mission.id().toString(), "cursor", cursor).toString()));
      probes.add(new Probe("list: hostile cursor", asA, "list_missions", obj("cursor", cursor).toString()));
    }
    ObjectNode submit = obj("mission_id", mission.id().toString(), "title", "probe", "pool", "pool-z");
    for (String timeout : List.of("soon", "-5m", "0s", "8d", "PT-1H", "99999999999999999999h", "9223372036854775807s",
        "1e3s", "5 m", "P1Y", "30", "1h-30m", "PT0.0000000001S", "\u0000", "\u0661\u0662m")) {
      probes.add(new Probe("invalid duration", asA, "submit_mesh_task", with(submit, "timeout", timeout)));
    }
    probes.add(new Probe("submit: unknown mission", asA, "submit_mesh_task",
        with(submit, "mission_id", UUID.randomUUID().toString())));
    probes.add(new Probe("submit: assigned without an agent", asA, "submit_mesh_task", with(submit, "claim_policy", "assigned")));
    probes.add(new Probe("submit: broadcast naming an agent", asA, "submit_mesh_task",
        with(submit, "claim_policy", "broadcast", "assigned_agent", agentA.agent().id().toString())));
    probes.add(new Probe("submit: assigned to an unknown agent", asA, "submit_mesh_task",
        with(submit, "claim_policy", "assigned", "assigned_agent", UUID.randomUUID().toString())));
    probes.add(new Probe("submit: first_claim naming an agent", asA, "submit_mesh_task",
        with(submit, "assigned_agent", agentB.agent().id().toString())));
    ObjectNode dependsOnUnknown = submit.deepCopy();
    dependsOnUnknown.set("depends_on", MeshClient.JSON.createArrayNode().add(UUID.randomUUID().toString()));
    probes.add(new Probe("submit: depends on an unknown task", asA, "submit_mesh_task", dependsOnUnknown.toString()));
    // Huge and deeply nested values in otherwise valid calls' fields of the wrong shape.
    probes.add(new Probe("huge: 1 MB title", asA, "submit_mesh_task", with(submit, "title", "t".repeat(1 << 20))));
    probes.add(new Probe("deep nesting: 20000 levels", asA, "submit_mesh_task",
        "{\"mission_id\":\"" + mission.id() + "\",\"title\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}"));
    probes.add(new Probe("deep nesting: 400 levels", asA, "submit_mesh_task",
        "{\"mission_id\":\"" + mission.id() + "\",\"title\":" + "[".repeat(400) + "]".repeat(400) + "}"));
    probes.add(new Probe("unknown tool", asA, "drop_all_tables", "{}"));
    return probes;
  }

  @Test
  void everyMalformedOrHostileCallIsRefusedWithoutAnInternalErrorOrAnyStateChange() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("hostile MCP corpus (every tool)");
    String before = db.stateDigest();
    Map<String, String> partsBefore = db.stateDigestParts();
    long tasksBefore = db.count("SELECT count(*) FROM task");

    List<Probe> probes = new ArrayList<>(schemaCorpus());
    probes.addAll(semanticCorpus());
    Tally tally = run(probes, scenario);

    // Transport: wrong, missing and revoked bearer tokens; a session presented with another token.
    int transport = 0;
    List<String> transportOffenders = new ArrayList<>();
    String args = obj("task_id", heldByA.toString()).toString();
    for (String[] c : new String[][] {
        {null, asA.session(), "401"}, {"garbage", asA.session(), "401"}, {"wm_agent_" + "A".repeat(43), asA.session(), "401"},
        {revoked.token(), asA.session(), "401"}, {revoked.token(), null, "401"}, {"'; DROP TABLE agent; --", null, "401"},
        {agentB.token(), asA.session(), "404"}}) {
      RawMcp.Answer answer = asA.callAs(c[0], c[1], "get_mesh_task", args);
      transport++;
      scenario.faultInjected("hostile MCP call: wrong bearer token or session");
      if (answer.status() != Integer.parseInt(c[2])) {
        transportOffenders.add((c[0] == null ? "no token" : abbreviate(c[0])) + " -> " + answer.status());
      }
    }

    String after = db.stateDigest();
    Map<String, String> partsAfter = db.stateDigestParts();
    List<String> changed = partsBefore.keySet().stream().filter(k -> !partsBefore.get(k).equals(partsAfter.get(k))).toList();
    scenario.figure("tables changed by the corpus", changed.isEmpty() ? "none" : changed);
    Map<String, Integer> families = new java.util.TreeMap<>();
    tally.byKind.forEach((kind, n) -> families.merge(kind.contains(":") ? kind.substring(0, kind.indexOf(':')) : kind, n,
        Integer::sum));
    scenario.figure("calls", tally.calls + " in " + tally.byKind.size() + " kinds, " + families + ", plus " + transport
        + " with wrong tokens or sessions");
    scenario.figure("verdicts", tally.byVerdict);
    scenario.figure("refused as", tally.refusedAs);
    scenario.figure("connections dropped without an answer (call retried)", droppedConnections + " " + droppedKinds);
    scenario.figure("offenders", tally.offenders.isEmpty() ? "none" : tally.offenders.size() + ": "
        + String.join(" | ", tally.offenders));
    boolean healthy = FaultStack.health(api.url()) == 200 && FaultStack.health(mcpServer.url()) == 200;
    scenario.figure("services healthy after the corpus", healthy);
    scenario.verdict(db.count("SELECT count(*) FROM task"), tasksBefore - db.count("SELECT count(*) FROM task"),
        before.equals(after) ? 0 : 1);

    assertThat(tally.offenders).as("calls that were not refused cleanly").isEmpty();
    assertThat(transportOffenders).as("wrong tokens at the transport").isEmpty();
    assertThat(after).as("the corpus changed nothing; changed: %s", changed).isEqualTo(before);
    assertThat(Files.exists(marker)).as("no shell ran").isFalse();
    assertThat(healthy).isTrue();
    // And the mesh still works for a well-formed call.
    assertThat(judge(asA.call("get_mesh_task", obj("task_id", heldByA.toString()).toString()))).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void hostileButValidTextIsStoredByteForByteAndTouchesNoTableAndNoShell() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("hostile but valid text through MCP");
    long tables = db.meshTables();
    String text = HOSTILE_TEXT.replace("MARKER", marker.toString());
    ObjectNode input = MeshClient.JSON.createObjectNode().put("command", text).put("argv", text);
    ObjectNode submit = obj("mission_id", mission.id().toString(), "title", text, "description", text,
        "idempotency_key", text.substring(0, 150), "pool", "pool-z");
    submit.set("input", input);
    RawMcp.Answer answer = asA.call("submit_mesh_task", submit.toString());
    scenario.faultInjected("hostile but valid text in every free-text field");
    assertThat(judge(answer)).as(answer.text()).isEqualTo(Verdict.ACCEPTED);
    UUID id = UUID.fromString(answer.result().get("structuredContent").get("task").get("id").asString());
    RawMcp.Answer replay = asA.call("submit_mesh_task", submit.toString());
    assertThat(replay.result().get("structuredContent").get("replay").asBoolean()).isTrue();

    JsonNode read = asA.call("get_mesh_task", obj("task_id", id.toString()).toString()).result()
        .get("structuredContent").get("task");
    TaskView viaRest = operator.task(id);
    assertThat(read.get("title").asString()).isEqualTo(text);
    assertThat(read.get("description").asString()).isEqualTo(text);
    assertThat(viaRest.title()).isEqualTo(text);
    assertThat(viaRest.description()).isEqualTo(text);
    assertThat(viaRest.input().get("command").asString()).isEqualTo(text);
    assertThat(viaRest.idempotencyKey()).isEqualTo(text.substring(0, 150));
    assertThat(db.text("SELECT title FROM task WHERE id = ?", id)).isEqualTo(text);

    RawMcp.Answer created = asA.call("create_mission", obj("name", "hostile-description", "description", text).toString());
    assertThat(judge(created)).as(created.text()).isEqualTo(Verdict.ACCEPTED);
    assertThat(db.text("SELECT description FROM mission WHERE name = 'hostile-description'")).isEqualTo(text);

    assertThat(db.meshTables()).as("every mesh table is still there").isEqualTo(tables).isEqualTo(9);
    assertThat(Files.exists(marker)).as("no shell ran").isFalse();
    scenario.figure("stored byte for byte", "title, description, idempotency_key, input, mission description");
    scenario.verdict(1, 0, db.count("SELECT count(*) FROM task WHERE mission_id = ? AND title = ?", mission.id(), text) - 1);
  }

  /**
   * Values that are valid JSON and pass the tools' schemas but reach mesh-api and PostgreSQL: NUL characters
   * inside JSON (jsonb cannot hold them), numbers past int or double range, instants past PostgreSQL's range,
   * lone surrogates, deep nesting within the parsers' limits, bodies over mesh-api's size limit. Each must be
   * stored or refused with a field error; each report gets a claim of its own.
   */
  List<Probe> edgeProbes() {
    MeshClient a = new MeshClient(api.url(), agentA.token());
    List<Probe> probes = new ArrayList<>();
    for (String report : List.of(
        "{\"result\":{\"x\":\"nul \\u0000 inside\"}}",
        "{\"result\":\"nul \\u0000 as a string\"}",
        "{\"result\":{},\"log_tail\":\"nul \\u0000 in the log\"}",
        "{\"result\":{},\"exit_code\":1099511627776}",
        "{\"result\":{},\"exit_code\":-1099511627776}",
        "{\"result\":" + "[".repeat(300) + "]".repeat(300) + "}",
        "{\"result\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
        "{\"result\":{\"big\":1e400}}",
        "{\"result\":\"\\ud800 lone surrogate\"}",
        "{\"result\":[" + "0,".repeat(400_000) + "0]}")) {
      UUID task = submit(operator, "pool-a", "edge report");
      ClaimView claim = a.claimTask(task).orElseThrow();
      String body = "{\"task_id\":\"" + task + "\",\"claim_token\":\"" + claim.claimToken() + "\"," + report.substring(1);
      probes.add(new Probe("complete: " + abbreviate(report, 40), asA, "complete_mesh_task", body));
    }
    for (String failure : List.of(
        "{\"error\":\"nul \\u0000 in the error\"}",
        "{\"error\":\"x\",\"exit_code\":4294967296}")) {
      UUID task = submit(operator, "pool-a", "edge failure");
      ClaimView claim = a.claimTask(task).orElseThrow();
      probes.add(new Probe("fail: " + abbreviate(failure, 40), asA, "fail_mesh_task",
          "{\"task_id\":\"" + task + "\",\"claim_token\":\"" + claim.claimToken() + "\"," + failure.substring(1)));
    }
    String head = "{\"mission_id\":\"" + mission.id() + "\",\"title\":\"t\",\"pool\":\"pool-z\"";
    for (String tail : List.of(
        ",\"input\":{\"x\":\"\\u0000\"}}",
        ",\"input\":{\"\\u0000\":1}}",
        ",\"description\":\"t \\u0000\"}",
        ",\"description\":\"\\ud800\"}",
        ",\"input\":{\"deep\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300) + "}}",
        ",\"input\":{\"n\":1e400}}",
        ",\"not_before\":\"+292278994-08-17T07:12:55Z\"}",
        ",\"not_before\":\"-292275055-05-16T16:47:04Z\"}",
        ",\"idempotency_key\":\"\\u0000\"}",
        ",\"input\":{\"big\":[" + "1,".repeat(600_000) + "1]}}")) {
      probes.add(new Probe("submit: " + abbreviate(tail, 40), asA, "submit_mesh_task", head + tail));
    }
    probes.add(new Probe("create_mission: NUL description", asA, "create_mission",
        "{\"name\":\"nul-description\",\"description\":\"a \\u0000 b\"}"));
    return probes;
  }

  @Test
  void edgeValuesThatReachTheDatabaseAreStoredOrRefusedNeverAnInternalError() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("edge values through MCP (NUL, depth, size, range)");
    List<Probe> probes = edgeProbes();
    List<String> offenders = new ArrayList<>();
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    for (Probe p : probes) {
      RawMcp.Answer answer;
      Verdict verdict;
      try {
        answer = callOnce(p);
        verdict = judge(answer);
      } catch (java.io.IOException e) {
        answer = new RawMcp.Answer(-1, "no answer: " + e.getMessage(), null);
        verdict = Verdict.NO_ANSWER;
      }
      verdicts.put(p.kind(), verdict);
      scenario.faultInjected("edge value: " + p.tool());
      if (verdict == Verdict.INTERNAL_ERROR || verdict == Verdict.SERVER_ERROR || verdict == Verdict.NO_ANSWER) {
        offenders.add(p.kind() + " -> HTTP " + answer.status() + " " + abbreviate(answer.text()));
      }
    }
    // What was stored must read back: one task at a time, and the mission's list.
    List<String> unreadable = new ArrayList<>();
    try (var ids = java.util.stream.Stream.of(db.text(
        "SELECT string_agg(id::text, ',') FROM task WHERE mission_id = ?", mission.id()).split(","))) {
      ids.forEach(id -> {
        try {
          operator.task(UUID.fromString(id));
        } catch (RuntimeException e) {
          unreadable.add("GET task " + id + ": " + abbreviate(e.getMessage()));
        }
      });
    }
    try {
      String cursor = null;
      do {
        var page = operator.tasks(mission.id(), null, cursor, 100);
        cursor = page.nextCursor();
      } while (cursor != null);
    } catch (RuntimeException e) {
      unreadable.add("list the mission's tasks: " + abbreviate(e.getMessage()));
    }
    scenario.figure("stored values that cannot be read back", unreadable.isEmpty() ? "none" : unreadable);
    boolean healthy = FaultStack.health(api.url()) == 200 && FaultStack.health(mcpServer.url()) == 200;
    scenario.figure("verdicts (ACCEPTED = stored, REFUSED = 4xx field error)", verdicts);
    scenario.figure("internal errors", offenders.isEmpty() ? "none" : String.join(" | ", offenders));
    scenario.figure("not_before stored for -292275055-05-16T16:47:04Z", db.text(
        "SELECT string_agg(not_before::text || ' (' || status || ')', ', ') FROM task WHERE title = 't' AND not_before IS NOT NULL"));
    scenario.verdict(db.count("SELECT count(*) FROM task WHERE title IN ('edge report', 'edge failure')"), 0,
        db.count("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM attempt WHERE outcome = 'succeeded'"
            + " GROUP BY task_id) s"));
    assertThat(offenders).as("bad input must be refused with a field error, never an internal error").isEmpty();
    assertThat(unreadable).as("everything stored reads back").isEmpty();
    assertThat(healthy).isTrue();
  }

  @Test
  void theSchedulerRefusesInvalidCronExpressionsAndDurationsOnReloadAndKeepsItsJobs() throws Exception {
    FaultLedger.Scenario scenario = FaultLedger.global().scenario("invalid cron and durations via scheduler reload");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.util.function.Supplier<java.net.http.HttpResponse<String>> reload = () -> {
      try {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(scheduler.url() + "/schedules/reload"))
            .header("Authorization", "Bearer " + FaultStack.OPERATOR_TOKEN)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    String good = Files.readString(dir.resolve("cron.toml"));
    String before = db.stateDigest();
    List<String> offenders = new ArrayList<>();
    int problemsReported = 0;
    List<String> badJobs = List.of(
        "schedule = \"61 * * * *\"", "schedule = \"* * * *\"", "schedule = \"'; DROP TABLE schedule_fire; --\"",
        "schedule = \"$(touch " + marker + ")\"", "schedule = \"@every_tuesday\"", "schedule = \"*/0 * * * *\"",
        "schedule = \"0 0 31 2 *\"", "schedule = \"" + "* ".repeat(5000) + "\"",
        "interval = \"-5m\"", "interval = \"0s\"", "interval = \"soon\"", "interval = \"99999999999999999999h\"",
        "interval = \"367d\"", "interval = \"PT-1H\"", "interval = \"1h-30m\"", "interval = \"\\u0000\"");
    for (String bad : badJobs) {
      FaultStack.writeFile(dir.resolve("cron.toml"), good + """

          [[job]]
          name = "bad"
          %s
          mission = "hostile-cron"
          [job.task]
          title = "never"
          """.formatted(bad));
      var response = reload.get();
      scenario.faultInjected("invalid cron or duration on reload");
      if (response.statusCode() != 200 || !response.body().contains("\"problems\"")
          || response.body().contains("\"problems\":[]")) {
        offenders.add(abbreviate(bad, 40) + " -> " + response.statusCode() + " " + abbreviate(response.body()));
      } else {
        problemsReported++;
      }
    }
    FaultStack.writeFile(dir.resolve("cron.toml"), good);
    var restored = reload.get();
    var jobs = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(scheduler.url() + "/schedules"))
        .header("Authorization", "Bearer " + FaultStack.OPERATOR_TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    scenario.figure("reloads refused with a problem report", problemsReported + " of " + badJobs.size());
    scenario.verdict(0, 0, before.equals(db.stateDigest()) ? 0 : 1);
    assertThat(offenders).as("invalid jobs must be reported as problems").isEmpty();
    assertThat(restored.statusCode()).isEqualTo(200);
    assertThat(jobs.body()).contains("yearly").doesNotContain("\"bad\"");
    assertThat(db.stateDigest()).isEqualTo(before);
    assertThat(Files.exists(marker)).isFalse();
    assertThat(FaultStack.health(scheduler.url())).isEqualTo(200);
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  static ObjectNode obj(Object... kv) {
    ObjectNode node = MeshClient.JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      node.set((String) kv[i], MeshClient.JSON.valueToTree(kv[i + 1]));
    }
    return node;
  }

  static String with(ObjectNode base, Object... kv) {
    ObjectNode copy = base.deepCopy();
    copy.setAll(obj(kv));
    return copy.toString();
  }

  static String abbreviate(String s) {
    return abbreviate(s, 160);
  }

  static String abbreviate(String s, int max) {
    if (s == null) {
      return "null";
    }
    String flat = s.replace("\n", "\\n");
    return flat.length() > max ? flat.substring(0, max) + "...(" + flat.length() + ")" : flat;
  }
}
