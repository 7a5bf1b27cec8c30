package dev.workmesh.devstack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the CLI finds the mesh: the environment ({@code MESH_API_URL}, {@code MESH_OPERATOR_TOKEN},
 * {@code MESH_SCHEDULER_URL}) first, else the {@code dev.env} that {@code ./mesh dev} wrote in its data dir
 * ({@code MESH_DEV_DIR}, default ~/.workmesh/dev).
 */
record CliConfig(String apiUrl, String token, String schedulerUrl) {

  static CliConfig load(Map<String, String> env) {
    Map<String, String> file = new HashMap<>();
    Path devEnv = Path.of(env.getOrDefault("MESH_DEV_DIR", System.getProperty("user.home") + "/.workmesh/dev"))
        .resolve("dev.env");
    if (Files.isReadable(devEnv)) {
      try {
        for (String raw : Files.readAllLines(devEnv)) {
          String line = raw.startsWith("export ") ? raw.substring("export ".length()) : raw;
          int eq = line.indexOf('=');
          if (!line.startsWith("#") && eq > 0) {
            file.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
          }
        }
      } catch (IOException e) {
        throw new MeshUnreachableException("cannot read " + devEnv + ": " + e.getMessage());
      }
    }
    String api = env.getOrDefault("MESH_API_URL", file.get("MESH_API_URL"));
    String token = env.getOrDefault("MESH_OPERATOR_TOKEN", file.get("MESH_OPERATOR_TOKEN"));
    if (api == null || token == null) {
      throw new MeshUnreachableException("no mesh to talk to: start one with './mesh dev' (it writes " + devEnv
          + "), or set MESH_API_URL and MESH_OPERATOR_TOKEN");
    }
    String scheduler = env.getOrDefault("MESH_SCHEDULER_URL", file.getOrDefault("MESH_SCHEDULER_URL",
        api.replaceFirst(":\\d+$", ":8083")));
    return new CliConfig(api.replaceAll("/+$", ""), token, scheduler.replaceAll("/+$", ""));
  }
}
