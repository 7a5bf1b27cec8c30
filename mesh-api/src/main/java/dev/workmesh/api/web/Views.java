package dev.workmesh.api.web;

import dev.workmesh.client.model.AgentView;
import dev.workmesh.client.model.AttemptView;
import dev.workmesh.client.model.Budget;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Spending;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.Usage;
import dev.workmesh.core.agent.Agent;
import dev.workmesh.core.claim.Claim;
import dev.workmesh.core.mission.Mission;
import dev.workmesh.core.task.Attempt;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.TaskRecords;
import dev.workmesh.core.task.TaskStatus;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Domain records to the wire records of mesh-client: one mapping, used by every controller. */
public final class Views {

  private Views() {}

  /** The task's own fields by name ({@link TaskRecords}), with its attempts and their usage when given. */
  public static TaskView task(MeshTask t, List<Attempt> attempts) {
    Map<String, Object> shown = new HashMap<>();
    shown.put("attempts", attempts == null ? null : attempts.stream().map(Views::attempt).toList());
    shown.put("usageTotal", usageTotal(attempts));
    return TaskRecords.copy(t, TaskView.class, shown);
  }

  /** The usage of a task's attempts summed, or null when none reported any (or they are not shown). */
  static Spending usageTotal(List<Attempt> attempts) {
    if (attempts == null || attempts.stream().allMatch(a -> a.usage() == null)) {
      return null;
    }
    long input = 0;
    long output = 0;
    BigDecimal cost = BigDecimal.ZERO;
    for (Attempt a : attempts) {
      if (a.usage() != null) {
        input += a.usage().inputTokens();
        output += a.usage().outputTokens();
        cost = cost.add(a.usage().costOrZero());
      }
    }
    return new Spending(input, output, input + output, cost);
  }

  public static TaskView task(MeshTask t) {
    return task(t, null);
  }

  public static AttemptView attempt(Attempt a) {
    return new AttemptView(a.id(), a.agentId(), a.number(), a.broadcast(), a.claimedAt(), a.startedAt(),
        a.finishedAt(), a.leaseExpiresAt(), a.outcome() == null ? null : a.outcome().wire(), a.exitCode(), a.logTail(),
        a.result(), a.error(), a.usage() == null ? null : new Usage(a.usage().model(), a.usage().inputTokens(),
            a.usage().outputTokens(), a.usage().costUsd()));
  }

  public static ClaimView claim(Claim c) {
    return new ClaimView(task(c.task()), c.attemptId(), c.attemptNumber(), c.claimToken(), c.leaseExpiresAt());
  }

  public static MissionView mission(Mission m, Map<TaskStatus, Long> counts) {
    Map<String, Long> byStatus = null;
    if (counts != null) {
      byStatus = new LinkedHashMap<>();
      for (var e : counts.entrySet()) {
        byStatus.put(e.getKey().wire(), e.getValue());
      }
    }
    Budget budget = m.budget() == null ? null : new Budget(m.budget().tokens(), m.budget().costUsd());
    return new MissionView(m.id(), m.name(), m.description(), m.createdAt(), byStatus, budget,
        new Spending(m.spentInputTokens(), m.spentOutputTokens(), m.spentTokens(), m.spentCostUsd()),
        m.budgetExhausted());
  }

  public static AgentView agent(Agent a) {
    return new AgentView(a.id(), a.name(), a.pools(), a.capabilities(), a.runtimes(), a.maxConcurrency(), a.labels(),
        a.status().wire(), a.enrolledAt(), a.lastHeartbeatAt(), a.statusChangedAt());
  }
}
