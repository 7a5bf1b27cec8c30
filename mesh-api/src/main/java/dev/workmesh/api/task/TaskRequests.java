package dev.workmesh.api.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.NewTask;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The wire form of a submission to mesh-core's {@link NewTask}, with field errors for what cannot convert. */
final class TaskRequests {

  private TaskRequests() {}

  static NewTask toNewTask(TaskRequest r, String prefix, List<Violation> violations) {
    ClaimPolicy policy = null;
    if (r.claimPolicy() != null) {
      try {
        policy = ClaimPolicy.fromWire(r.claimPolicy().strip().toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        violations.add(new Violation(prefix + "claim_policy", "must be first_claim, assigned or broadcast"));
      }
    }
    Duration timeout = null;
    if (r.timeout() != null) {
      try {
        timeout = DurationText.parse(r.timeout());
      } catch (IllegalArgumentException e) {
        violations.add(new Violation(prefix + "timeout", e.getMessage()));
      }
    }
    return NewTask.builder(r.title())
        .description(r.description())
        .claimPolicy(policy)
        .assignedAgent(r.assignedAgent())
        .pool(r.pool())
        .requiredCapabilities(r.requiredCapabilities())
        .priority(r.priority())
        .runtime(r.runtime())
        .input(r.input())
        .maxAttempts(r.maxAttempts())
        .timeout(timeout)
        .notBefore(r.notBefore())
        .dependsOn(r.dependsOn())
        .parentTaskId(r.parentTaskId())
        .idempotencyKey(r.idempotencyKey())
        .build();
  }

  static void throwIfAny(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }
}
