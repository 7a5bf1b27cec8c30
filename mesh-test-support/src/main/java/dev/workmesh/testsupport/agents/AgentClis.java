package dev.workmesh.testsupport.agents;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the pinned agent CLIs are: {@code agent-clis/node_modules/.bin} of the repository, as the
 * {@code real-agents} profile passes it in the system property {@value #PROPERTY}. A missing CLI is
 * an error that says how to install it, never a reason to skip.
 */
public final class AgentClis {

  public static final String PROPERTY = "workmesh.agent-clis.bin";

  private AgentClis() {}

  /** The directory holding {@code claude}, {@code codex} and {@code gemini}. */
  public static Path binDirectory() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          "The system property " + PROPERTY + " is not set: run real-agent tests with ./mvnw verify -Preal-agents");
    }
    return Path.of(configured).toAbsolutePath();
  }

  /** The executable of one CLI ({@code claude}, {@code codex} or {@code gemini}). */
  public static Path executable(String name) {
    Path cli = binDirectory().resolve(name);
    if (!Files.isExecutable(cli)) {
      throw new IllegalStateException(
          cli + " is missing: the real-agents profile installs it with 'npm ci' in agent-clis/ "
              + "(./mvnw verify -Preal-agents)");
    }
    return cli;
  }
}
