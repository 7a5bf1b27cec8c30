package dev.workmesh.scheduler.web;

import dev.workmesh.web.StatusException;
import java.util.Map;

/** No job of that name in the current job file; answered 404 naming the job. */
final class UnknownJobException extends StatusException {

  private final String job;

  UnknownJobException(String job) {
    super(404, "Unknown job", "no job named '" + job + "' is loaded; GET /schedules lists the jobs, and POST"
        + " /schedules/reload picks up a job just added to the file");
    this.job = job;
  }

  String job() {
    return job;
  }

  @Override
  public Map<String, Object> properties() {
    return Map.of("job", job);
  }
}
