package dev.workmesh.scheduler.job;

import dev.workmesh.client.model.TaskRequest;
import java.time.ZoneId;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;

/** Job definitions for tests. */
final class Jobs {

  private Jobs() {}

  static TaskRequest task(String title) {
    return new TaskRequest(
        title, null, "first_claim", null, "default", List.of(), 0, null,
        JsonNodeFactory.instance.objectNode(), 3, null, null, null, null, null);
  }

  static JobDefinition job(String name, Schedule schedule, MisfirePolicy misfire) {
    ZoneId zone = schedule instanceof CronSchedule cron ? cron.zone() : ZoneId.of("UTC");
    return new JobDefinition(name, schedule, zone, "ops", true, misfire, task("Run " + name));
  }
}
