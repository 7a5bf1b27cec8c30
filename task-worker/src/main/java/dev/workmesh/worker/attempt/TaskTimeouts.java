package dev.workmesh.worker.attempt;

import dev.workmesh.core.DurationText;
import java.time.Duration;

/** Reads a task's {@code timeout} as the API shows it (mesh-core's {@link DurationText}): null when it has none. */
public final class TaskTimeouts {

  private TaskTimeouts() {}

  /** The timeout, or null when the task has none. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Duration duration;
    try {
      duration = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("task timeout '" + text + "': " + e.getMessage());
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException("task timeout '" + text + "' is not positive");
    }
    return duration;
  }
}
