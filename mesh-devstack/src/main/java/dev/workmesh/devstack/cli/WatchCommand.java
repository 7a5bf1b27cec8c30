package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code ./mesh watch MISSION}: the mission's events as they happen, one line each. */
@Command(name = "watch", description = "stream a mission's events (Ctrl-C to stop)")
final class WatchCommand extends MeshCommand {

  @Parameters(paramLabel = "MISSION")
  String mission;

  @Override
  public Integer call() throws IOException, InterruptedException {
    UUID missionId = mesh.missionId(mission, false);
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(mesh.config().apiUrl() + "/work/missions/" + missionId + "/events"))
        .header("Authorization", "Bearer " + mesh.config().token()).header("Accept", "text/event-stream").build();
    HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new MeshUnreachableException("the events stream answered " + response.statusCode());
    }
    mesh.out.println("watching mission " + mission + " (Ctrl-C to stop)");
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data:")) {
          JsonNode e = MeshClient.JSON.readTree(line.substring(5));
          mesh.out.printf("%s  %-22s %s  %s%s%n", e.path("at").asString(Instant.now().toString()),
              e.path("type").asString(), e.path("task_id").asString(), e.path("status").asString(),
              e.path("reason").isString() ? "  (" + e.path("reason").asString() + ")" : "");
        }
      }
    }
    return 0;
  }
}
