package dev.workmesh.scheduler.web;

/** A job name that the loaded job file does not have; answered 404. */
final class UnknownJobException extends RuntimeException {

  private final String job;

  UnknownJobException(String job) {
    super("no job named '" + job + "' is loaded; GET /schedules lists the jobs, and POST /schedules/reload"
        + " picks up a job just added to the file");
    this.job = job;
  }

  String job() {
    return job;
  }
}
