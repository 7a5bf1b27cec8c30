package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.AgentRequest;
import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.EnrolledAgent;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.web.client.ResourceAccessException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The everyday operator commands of {@code ./mesh}, over the REST API. */
public final class MeshCli {

  static final String USAGE = """
      usage: ./mesh <command> [options]

        dev [--help]                      start the whole mesh on this machine
        missions                          list missions
        mission create NAME [DESCRIPTION] [--budget-tokens N] [--budget-usd X]
                                          create a mission; once its attempts have spent N tokens
                                          (input + output) or X US dollars, its tasks are not claimed
        mission MISSION                   show a mission: task counts, budget, what it spent
        mission budget MISSION [--budget-tokens N] [--budget-usd X]
                                          replace a mission's budget (no option: no limit)
        submit MISSION TITLE [options]    submit a task (MISSION is a name or id; created if missing)
            --description TEXT   the prompt        --policy first_claim|assigned|broadcast
            --agent ID           assignee          --pool NAME        --capability NAME (repeatable)
            --priority N         higher first      --runtime NAME     (bash, exec, fake, claude_code, ...)
            --command CMD        input.command for the bash runtime
            --input JSON         the task's input  --timeout 30m      --max-attempts N   --key IDEMPOTENCY_KEY
        tasks MISSION [--status S]        list a mission's tasks
        task ID                           show a task and its attempts
        retry ID | cancel ID              retry a failed task, or cancel one
        watch MISSION                     stream a mission's events (Ctrl-C to stop)
        agents                            list agents and their health
        enrol NAME [--pool P]... [--capability C]... [--runtime R]... [--max-concurrency N]
                                          enrol an agent (e.g. for an MCP client); prints its token once
        schedules                         list scheduled jobs and their next fire time
        bench [--quick]                   run the benchmark (see docs/benchmark.md)

      Settings come from MESH_API_URL and MESH_OPERATOR_TOKEN, else from the dev.env of ./mesh dev.
      Exit code: 0 done, 1 the mesh refused or could not be reached, 2 a wrong command line.""";

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  public MeshCli(PrintStream out, PrintStream err) {
    this(out, err, System.getenv());
  }

  /** @param env where {@link CliConfig} finds the mesh */
  MeshCli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /**
   * Runs one command; answers the exit code: 0 done, 1 the mesh refused or could not be reached, 2 the command
   * line is wrong.
   */

  public int run(List<String> argv) {
    if (argv.isEmpty() || argv.getFirst().equals("help") || argv.getFirst().equals("--help")) {
      out.println(USAGE);
      return argv.isEmpty() ? 2 : 0;
    }
    List<String> args = new ArrayList<>(argv);
    String command = args.removeFirst();
    CliConfig config = null;
    try {
      config = CliConfig.load(env);
      MeshClient mesh = new MeshClient(config.apiUrl(), config.token());
      return switch (command) {
        case "missions" -> missions(mesh);
        case "mission" -> mission(mesh, args);
        case "submit" -> submit(mesh, args);
        case "tasks" -> tasks(mesh, args);
        case "task" -> task(mesh, taskId(args, "task"));
        case "retry" -> print(mesh.retry(taskId(args, "retry")));
        case "cancel" -> cancelled(mesh.cancel(taskId(args, "cancel")));
        case "watch" -> watch(config, mesh, one(args, "watch MISSION"));
        case "agents" -> agents(mesh);
        case "enrol" -> enrol(mesh, args);
        case "schedules" -> schedules(config);
        default -> {
          err.println("unknown command '" + command + "'\n\n" + USAGE);
          yield 2;
        }
      };
    } catch (BadUsageException e) {
      err.println(e.getMessage());
      return 2;
    } catch (MeshApiException e) {
      err.println("error " + e.status() + ": " + (e.problem() == null ? e.getMessage() : e.problem().detail()));
      return 1;
    } catch (MeshUnreachableException e) {
      err.println(e.getMessage());
      return 1;
    } catch (ResourceAccessException | IOException e) {
      err.println("cannot reach the mesh at " + config.apiUrl() + ": " + rootCause(e)
          + " (is it running? start it with './mesh dev')");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private int missions(MeshClient mesh) {
    out.printf("%-36s  %s%n", "ID", "NAME");
    String cursor = null;
    do {
      Page<MissionView> page = mesh.missions(cursor, 200);
      page.items().forEach(m -> out.printf("%-36s  %s%n", m.id(), m.name()));
      cursor = page.nextCursor();
    } while (cursor != null);
    return 0;
  }

  private int mission(MeshClient mesh, List<String> args) {
    if (args.size() == 1 && !args.getFirst().equals("create") && !args.getFirst().equals("budget")) {
      return showMission(mesh.mission(missionId(mesh, args.getFirst(), false)));
    }
    if (args.size() >= 2 && args.getFirst().equals("budget")) {
      args.removeFirst();
      UUID id = missionId(mesh, args.removeFirst(), false);
      MissionView m = mesh.setMissionBudget(id, budget(args));
      out.println("mission " + m.name() + ": " + UsageText.budget(m));
      return 0;
    }
    if (args.size() < 2 || !args.getFirst().equals("create")) {
      throw new BadUsageException(
          "usage: ./mesh mission create NAME [DESCRIPTION] [--budget-tokens N] [--budget-usd X], or ./mesh mission MISSION");
    }
    args.removeFirst();
    String name = args.removeFirst();
    String description = !args.isEmpty() && !args.getFirst().startsWith("--") ? args.removeFirst() : "";
    MissionView m = mesh.createMission(name, description, budget(args));
    out.println("created mission " + m.name() + " " + m.id() + " (" + UsageText.budget(m) + ")");
    return 0;
  }

  /** {@code --budget-tokens N --budget-usd X}, both optional; null when neither is given. */
  private static Budget budget(List<String> args) {
    Long tokens = null;
    BigDecimal usd = null;
    while (!args.isEmpty()) {
      String flag = args.removeFirst();
      String value = value(flag, args);
      switch (flag) {
        case "--budget-tokens" -> tokens = OptionValues.wholeNumberLong(flag, value);
        case "--budget-usd" -> usd = OptionValues.decimal(flag, value);
        default -> throw new BadUsageException("unknown option " + flag + "; see ./mesh help");
      }
    }
    return tokens == null && usd == null ? null : new Budget(tokens, usd);
  }

  private int showMission(MissionView m) {
    out.println(m.name() + "  " + m.id());
    if (m.description() != null && !m.description().isBlank()) {
      out.println("  " + m.description());
    }
    if (m.taskCounts() != null) {
      out.println("  tasks: " + (m.taskCounts().isEmpty() ? "none" : m.taskCounts().entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
    }
    out.println("  " + UsageText.budget(m));
    out.println("  spent: " + UsageText.spending(m.spent()));
    return 0;
  }

  private int submit(MeshClient mesh, List<String> args) {
    if (args.size() < 2) {
      throw new BadUsageException("usage: ./mesh submit MISSION TITLE [options]; see ./mesh help");
    }
    UUID mission = missionId(mesh, args.removeFirst(), true);
    String title = args.removeFirst();
    String description = null;
    String policy = null;
    UUID agent = null;
    String pool = null;
    List<String> caps = new ArrayList<>();
    Integer priority = null;
    String runtime = null;
    ObjectNode input = null;
    String timeout = null;
    Integer maxAttempts = null;
    String key = null;
    while (!args.isEmpty()) {
      String flag = args.removeFirst();
      String value = value(flag, args);
      switch (flag) {
        case "--description" -> description = value;
        case "--policy" -> policy = OptionValues.claimPolicy(flag, value);
        case "--agent" -> agent = OptionValues.id("--agent expects an agent id", value);
        case "--pool" -> pool = value;
        case "--capability" -> caps.add(value);
        case "--priority" -> priority = OptionValues.wholeNumber(flag, value);
        case "--runtime" -> runtime = value;
        case "--command" -> input = (input == null ? MeshClient.JSON.createObjectNode() : input).put("command", value);
        case "--input" -> input = OptionValues.jsonObject(flag, value);
        case "--timeout" -> timeout = OptionValues.duration(flag, value);
        case "--max-attempts" -> maxAttempts = OptionValues.wholeNumber(flag, value);
        case "--key" -> key = value;
        default -> throw new BadUsageException("unknown option " + flag + "; see ./mesh help");
      }
    }
    if ("assigned".equals(policy) && agent == null) {
      throw new BadUsageException("--policy assigned needs --agent AGENT_ID, the agent that must run the task");
    }
    if (agent != null && !"assigned".equals(policy)) {
      throw new BadUsageException("--agent is only used with --policy assigned; add --policy assigned or drop --agent");
    }
    MeshClient.Submitted s = mesh.submit(mission, new TaskRequest(title, description, policy, agent, pool,
        caps.isEmpty() ? null : caps, priority, runtime, input, maxAttempts, timeout, null, null, null, key));
    out.println((s.replay() ? "already submitted: " : "submitted: ") + s.task().id() + "  " + s.task().status());
    if (s.task().waitingReason() != null) {
      err.println("warning: no connected agent could run this task now: " + s.task().waitingReason().message());
    }
    return 0;
  }

  private int tasks(MeshClient mesh, List<String> args) {
    if (args.isEmpty()) {
      throw new BadUsageException("usage: ./mesh tasks MISSION [--status STATUS]");
    }
    UUID mission = missionId(mesh, args.removeFirst(), false);
    String status = null;
    if (args.size() == 2 && args.getFirst().equals("--status")) {
      status = args.get(1);
    }
    out.printf("%-36s  %-10s  %-11s  %3s  %s%n", "ID", "STATUS", "POLICY", "TRY", "TITLE");
    String cursor = null;
    do {
      Page<TaskView> page = mesh.tasks(mission, status, cursor, 200);
      for (TaskView t : page.items()) {
        out.printf("%-36s  %-10s  %-11s  %3d  %s%n", t.id(), t.status(), t.claimPolicy(), t.attempt(), t.title());
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return 0;
  }

  private int task(MeshClient mesh, UUID id) {
    TaskText.show(mesh.task(id), out);
    return 0;
  }

  private int print(TaskView t) {
    out.println(t.id() + "  " + t.status());
    return 0;
  }

  /** A cancel ends a task that no agent holds at once; one being worked on stops when its agent next hears. */
  private int cancelled(TaskView t) {
    if (t.cancelRequested() && !"cancelled".equals(t.status())) {
      out.println(t.id() + "  cancellation requested: the task is " + t.status()
          + "; its agent stops it at its next heartbeat (./mesh task " + t.id() + " shows when it ended)");
    } else {
      out.println(t.id() + "  cancellation requested: the task is now " + t.status());
    }
    return 0;
  }

  /** The single argument of {@code ./mesh COMMAND ID}: a task id. */
  private static UUID taskId(List<String> args, String command) {
    return OptionValues.id("./mesh " + command + " ID expects a task id", one(args, command + " ID"));
  }

  private int agents(MeshClient mesh) {
    out.printf("%-36s  %-12s  %-20s  %-24s  %s%n", "ID", "STATUS", "NAME", "POOLS", "LAST HEARTBEAT");
    for (AgentView a : mesh.agents()) {
      out.printf("%-36s  %-12s  %-20s  %-24s  %s%n", a.id(), a.status(), a.name(), String.join(",", a.pools()),
          a.lastHeartbeatAt());
    }
    return 0;
  }

  private int enrol(MeshClient mesh, List<String> args) {
    if (args.isEmpty()) {
      throw new BadUsageException("usage: ./mesh enrol NAME [--pool P]... [--capability C]... [--runtime R]..."
          + " [--max-concurrency N]");
    }
    String name = args.removeFirst();
    List<String> pools = new ArrayList<>();
    List<String> caps = new ArrayList<>();
    List<String> runtimes = new ArrayList<>();
    Integer max = null;
    while (!args.isEmpty()) {
      String flag = args.removeFirst();
      String value = value(flag, args);
      switch (flag) {
        case "--pool" -> pools.add(value);
        case "--capability" -> caps.add(value);
        case "--runtime" -> runtimes.add(value);
        case "--max-concurrency" -> max = OptionValues.wholeNumber(flag, value);
        default -> throw new BadUsageException("unknown option " + flag + "; see ./mesh help");
      }
    }
    EnrolledAgent enrolled = mesh.enrol(new AgentRequest(name, pools.isEmpty() ? null : pools, caps, runtimes, max,
        null));
    out.println("enrolled agent " + enrolled.agent().name() + " " + enrolled.agent().id());
    out.println("token (shown once): " + enrolled.token());
    return 0;
  }

  private int watch(CliConfig config, MeshClient mesh, String missionArg) throws IOException, InterruptedException {
    UUID mission = missionId(mesh, missionArg, false);
    HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiUrl() + "/work/missions/" + mission + "/events"))
        .header("Authorization", "Bearer " + config.token()).header("Accept", "text/event-stream").build();
    HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new MeshUnreachableException("the events stream answered " + response.statusCode());
    }
    out.println("watching mission " + missionArg + " (Ctrl-C to stop)");
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data:")) {
          JsonNode e = MeshClient.JSON.readTree(line.substring(5));
          out.printf("%s  %-22s %s  %s%s%n", e.path("at").asString(Instant.now().toString()), e.path("type").asString(),
              e.path("task_id").asString(), e.path("status").asString(),
              e.path("reason").isString() ? "  (" + e.path("reason").asString() + ")" : "");
        }
      }
    }
    return 0;
  }

  private int schedules(CliConfig config) throws IOException, InterruptedException {
    Schedules.list(config, out);
    return 0;
  }

  /** A mission by id or name; with {@code create}, a missing name is created. */
  private UUID missionId(MeshClient mesh, String nameOrId, boolean create) {
    try {
      return UUID.fromString(nameOrId);
    } catch (IllegalArgumentException notAnId) {
      String cursor = null;
      do {
        Page<MissionView> page = mesh.missions(cursor, 200);
        for (MissionView m : page.items()) {
          if (m.name().equals(nameOrId)) {
            return m.id();
          }
        }
        cursor = page.nextCursor();
      } while (cursor != null);
      if (!create) {
        throw new BadUsageException("no mission named '" + nameOrId + "'; list them with ./mesh missions");
      }
      MissionView created = mesh.createMission(nameOrId, "");
      out.println("created mission " + created.name());
      return created.id();
    }
  }

  private static String one(List<String> args, String usage) {
    if (args.size() != 1) {
      throw new BadUsageException("usage: ./mesh " + usage);
    }
    return args.getFirst();
  }

  private static String value(String flag, List<String> args) {
    if (args.isEmpty()) {
      throw new BadUsageException(flag + " needs a value");
    }
    return args.removeFirst();
  }

}
