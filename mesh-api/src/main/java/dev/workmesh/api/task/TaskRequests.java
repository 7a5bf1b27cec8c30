package dev.workmesh.api.task;

import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.core.DurationText;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.ValidationException.Violation;
import dev.workmesh.core.task.ClaimPolicy;
import dev.workmesh.core.task.NewTask;
import dev.workmesh.core.task.TaskRecords;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wire form of a submission to mesh-core's {@link NewTask}: every field by name ({@link TaskRecords}),
 * with field errors for the two that need parsing (claim_policy and timeout).
 */
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
    Map<String, Object> parsed = new HashMap<>();
    parsed.put("claimPolicy", policy);
    parsed.put("timeout", timeout);
    return TaskRecords.copy(r, NewTask.class, parsed);
  }

  static void throwIfAny(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }
}
