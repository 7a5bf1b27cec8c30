package dev.workmesh.scheduler.job;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something wrong in a job file, precise enough for an operator to fix it without reading code.
 *
 * @param file the file as the loader was given it
 * @param line 1-based line, when known (TOML syntax errors); null otherwise
 * @param jobIndex 1-based position of the {@code [[job]]} table in the file; null for a problem
 *     outside any job, or found after loading (such as a check against mesh-core's rules), when only
 *     the job's name is known
 * @param jobName the job's {@code name} when it has a usable one; null otherwise
 * @param field dotted key path inside the job ({@code schedule}, {@code task.max_attempts}) or at
 *     the top level ({@code default_time_zone}); null for a problem with the whole file
 * @param message what is wrong and what is expected
 */
public record JobProblem(
    String file,
    @Nullable Integer line,
    @Nullable Integer jobIndex,
    @Nullable String jobName,
    @Nullable String field,
    String message) {

  public JobProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  /**
   * One line such as {@code cron.toml: job #2 "nightly": task.max_attempts: expected ...} ({@code job
   * "nightly": } when only the name is known).
   */
  public String describe() {
    StringBuilder out = new StringBuilder(file);
    if (line != null) {
      out.append(':').append(line);
    }
    out.append(": ");
    if (jobIndex != null || jobName != null) {
      out.append("job");
      if (jobIndex != null) {
        out.append(" #").append(jobIndex);
      }
      if (jobName != null) {
        out.append(" \"").append(jobName).append('"');
      }
      out.append(": ");
    }
    if (field != null) {
      out.append(field).append(": ");
    }
    return out.append(message).toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
