package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** The task commands of {@code ./mesh}: submit, list, show, retry and cancel. */
final class TaskCommands {

  private TaskCommands() {}

  @Command(name = "submit", description = "submit a task (MISSION is a name or id; created if missing)")
  static final class Submit extends MeshCommand {
    @Parameters(index = "0", paramLabel = "MISSION")
    String mission;

    @Parameters(index = "1", paramLabel = "TITLE")
    String title;

    @Option(names = "--description", paramLabel = "TEXT", description = "the prompt")
    String description;

    @Option(names = "--policy", paramLabel = "POLICY", converter = OptionValues.ClaimPolicy.class,
        description = "first_claim (default), assigned or broadcast")
    String policy;

    @Option(names = "--agent", paramLabel = "AGENT_ID", converter = OptionValues.AgentId.class,
        description = "the assignee of an assigned task")
    UUID agent;

    @Option(names = "--pool", paramLabel = "NAME", description = "the pool whose workers may claim it (default: default)")
    String pool;

    @Option(names = "--capability", paramLabel = "NAME", description = "a capability the claimer must hold (repeatable)")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--priority", paramLabel = "N", converter = OptionValues.WholeNumber.class,
        description = "higher first")
    Integer priority;

    @Option(names = "--runtime", paramLabel = "NAME", description = "bash, exec, fake, claude_code, codex, ...")
    String runtime;

    @Option(names = "--command", paramLabel = "CMD", description = "input.command for the bash runtime")
    String command;

    @Option(names = "--input", paramLabel = "JSON", converter = OptionValues.JsonObject.class,
        description = "the task's input, a JSON object")
    ObjectNode input;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = OptionValues.Duration.class,
        description = "per attempt, e.g. 30m")
    String timeout;

    @Option(names = "--max-attempts", paramLabel = "N", converter = OptionValues.WholeNumber.class,
        description = "attempts before the task fails for good (default 3)")
    Integer maxAttempts;

    @Option(names = "--key", paramLabel = "KEY", description = "an idempotency key: the same key submits once")
    String key;

    @Override
    public Integer call() {
      if ("assigned".equals(policy) && agent == null) {
        throw new BadUsageException("--policy assigned needs --agent AGENT_ID, the agent that must run the task");
      }
      if (agent != null && !"assigned".equals(policy)) {
        throw new BadUsageException("--agent is only used with --policy assigned; add --policy assigned or drop"
            + " --agent");
      }
      ObjectNode taskInput = input;
      if (command != null) {
        taskInput = (taskInput == null ? MeshClient.JSON.createObjectNode() : taskInput).put("command", command);
      }
      UUID missionId = mesh.missionId(mission, true);
      MeshClient.Submitted s = mesh.mesh().submit(missionId, new TaskRequest(title, description, policy, agent, pool,
          capabilities.isEmpty() ? null : capabilities, priority, runtime, taskInput, maxAttempts, timeout, null, null,
          null, key));
      mesh.out.println((s.replay() ? "already submitted: " : "submitted: ") + s.task().id() + "  "
          + s.task().status());
      if (s.task().waitingReason() != null) {
        mesh.err.println("warning: no connected agent could run this task now: "
            + s.task().waitingReason().message());
      }
      return 0;
    }
  }

  @Command(name = "tasks", description = "list a mission's tasks")
  static final class ListTasks extends MeshCommand {
    @Parameters(paramLabel = "MISSION")
    String mission;

    @Option(names = "--status", paramLabel = "STATUS", description = "only tasks in this status")
    String status;

    @Override
    public Integer call() {
      UUID missionId = mesh.missionId(mission, false);
      mesh.out.printf("%-36s  %-10s  %-11s  %3s  %s%n", "ID", "STATUS", "POLICY", "TRY", "TITLE");
      Page.all(cursor -> mesh.mesh().tasks(missionId, status, cursor, 200))
          .forEach(t -> mesh.out.printf("%-36s  %-10s  %-11s  %3d  %s%n", t.id(), t.status(), t.claimPolicy(),
              t.attempt(), t.title()));
      return 0;
    }
  }

  @Command(name = "task", description = "show a task, its attempts and the last lines of their logs")
  static final class Show extends MeshCommand.OnTask {
    @Override
    public Integer call() {
      TaskText.show(mesh.mesh().task(id), mesh.out);
      return 0;
    }
  }

  @Command(name = "retry", description = "retry a failed task with a fresh budget of attempts")
  static final class Retry extends MeshCommand.OnTask {
    @Override
    public Integer call() {
      TaskView t = mesh.mesh().retry(id);
      mesh.out.println(t.id() + "  " + t.status());
      return 0;
    }
  }

  /** A cancel ends a task that no agent holds at once; one being worked on stops when its agent next hears. */
  @Command(name = "cancel", description = "cancel a task")
  static final class Cancel extends MeshCommand.OnTask {
    @Override
    public Integer call() {
      TaskView t = mesh.mesh().cancel(id);
      if (t.cancelRequested() && !"cancelled".equals(t.status())) {
        mesh.out.println(t.id() + "  cancellation requested: the task is " + t.status()
            + "; its agent stops it at its next heartbeat (./mesh task " + t.id() + " shows when it ended)");
      } else {
        mesh.out.println(t.id() + "  cancellation requested: the task is now " + t.status());
      }
      return 0;
    }
  }
}
