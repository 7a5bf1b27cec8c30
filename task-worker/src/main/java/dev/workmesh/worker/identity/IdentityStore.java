package dev.workmesh.worker.identity;

import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/**
 * Keeps the {@link AgentIdentity} in one JSON file, readable by the owner only (0600), replaced
 * atomically so a crash never leaves half a token behind.
 */
public final class IdentityStore {

  private final Path file;

  public IdentityStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The stored identity, or empty when this node never enrolled. */
  public Optional<AgentIdentity> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MeshClient.JSON.readValue(Files.readString(file), AgentIdentity.class));
    } catch (IOException | JacksonException | NullPointerException e) {
      throw new IllegalStateException(
          "cannot read the worker identity " + file + " (" + e.getMessage() + "): fix the file, or move it away"
              + " and set task-worker.enrolment-token to enrol this node as a new agent", e);
    }
  }

  public void save(AgentIdentity identity) {
    try {
      PrivateFiles.writeAtomically(file, MeshClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(identity));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the worker identity to " + file + ": " + e.getMessage(), e);
    }
  }
}
