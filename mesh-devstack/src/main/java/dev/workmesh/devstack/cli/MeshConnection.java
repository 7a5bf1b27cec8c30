package dev.workmesh.devstack.cli;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.MissionView;
import dev.workmesh.client.model.Page;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What every command of {@code ./mesh} shares: where it prints, and the mesh it talks to, found (from the
 * environment or {@code dev.env}) only when a command first needs it, so that a wrong command line is refused
 * before anything is read or sent.
 */
final class MeshConnection {

  final PrintStream out;
  final PrintStream err;
  private final Map<String, String> env;
  private CliConfig config;
  private MeshClient client;

  MeshConnection(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  CliConfig config() {
    if (config == null) {
      config = CliConfig.load(env);
    }
    return config;
  }

  MeshClient mesh() {
    if (client == null) {
      client = MeshClient.shortLived(config().apiUrl(), config().token());
    }
    return client;
  }

  /** The API URL if it is known yet, for messages about a mesh that does not answer. */
  String apiUrlOrNull() {
    return config == null ? null : config.apiUrl();
  }

  /** A mission by id or name; with {@code create}, a missing name is created. */
  UUID missionId(String nameOrId, boolean create) {
    try {
      return UUID.fromString(nameOrId);
    } catch (IllegalArgumentException notAnId) {
      Optional<UUID> named = Page.all(cursor -> mesh().missions(cursor, 200))
          .filter(m -> m.name().equals(nameOrId)).map(MissionView::id).findFirst();
      if (named.isPresent()) {
        return named.get();
      }
      if (!create) {
        throw new BadUsageException("no mission named '" + nameOrId + "'; list them with ./mesh missions");
      }
      MissionView created = mesh().createMission(nameOrId, "");
      out.println("created mission " + created.name());
      return created.id();
    }
  }
}
