package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code ./mesh schedules}: the scheduler's jobs and when each fires next, from scheduler-service. */
@Command(name = "schedules", description = "list scheduled jobs and their next fire time")
final class Schedules extends MeshCommand {

  @Override
  public Integer call() throws IOException, InterruptedException {
    CliConfig config = mesh.config();
    PrintStream out = mesh.out;
    HttpRequest request = HttpRequest.newBuilder(URI.create(config.schedulerUrl() + "/schedules"))
        .header("Authorization", "Bearer " + config.token()).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new MeshUnreachableException("the scheduler answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode body = MeshClient.JSON.readTree(response.body());
    JsonNode jobs = body.isArray() ? body : body.path("jobs");
    out.printf("%-24s  %-20s  %-8s  %s%n", "NAME", "SCHEDULE", "STATE", "NEXT FIRE");
    for (JsonNode job : jobs) {
      out.printf("%-24s  %-20s  %-8s  %s%n", job.path("name").asString(), job.path("schedule").asString(),
          job.path("paused").asBoolean() ? "paused" : job.path("enabled").asBoolean(true) ? "enabled" : "disabled",
          job.path("next_fire_at").asString(job.path("next_fire").asString("")));
    }
    return 0;
  }
}
