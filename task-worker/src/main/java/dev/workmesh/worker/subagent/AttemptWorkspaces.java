package dev.workmesh.worker.subagent;

import dev.workmesh.worker.subagent.GitCli.GitFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * Gives each attempt its working directory {@code <attempt dir>/work}: a detached git worktree when
 * the task's input names a {@code repository} (at {@code ref}, default the mirror's HEAD), else an
 * empty directory.
 */
final class AttemptWorkspaces {

  private final GitRepositoryMirrors mirrors;

  AttemptWorkspaces(GitRepositoryMirrors mirrors) {
    this.mirrors = mirrors;
  }

  AttemptWorkspace prepare(AttemptSpec spec, Path attemptDir) {
    Path work = attemptDir.resolve("work");
    String repository = optionalText(spec, "repository");
    String ref = optionalText(spec, "ref");
    if (repository == null) {
      if (ref != null) {
        throw new SubagentLaunchException(spec.attemptId(), "input.ref is set but input.repository is not: name the repository to check out");
      }
      try {
        Files.createDirectories(work);
      } catch (IOException e) {
        throw new SubagentLaunchException(spec.attemptId(), "cannot create working directory " + work + ": " + e.getMessage(), e);
      }
      return AttemptWorkspace.plain(work);
    }
    if (repository.startsWith("-") || (ref != null && ref.startsWith("-"))) {
      throw new SubagentLaunchException(spec.attemptId(), "input.repository and input.ref must not start with '-'");
    }
    try {
      Path mirror = mirrors.addWorktree(repository, ref == null ? "HEAD" : ref, work);
      return AttemptWorkspace.worktree(work, mirror, mirrors);
    } catch (GitFailedException e) {
      throw new SubagentLaunchException(
          spec.attemptId(), e.getMessage() + "; check that input.repository is a path or URL this worker can read and input.ref exists in it", e);
    }
  }

  private static String optionalText(AttemptSpec spec, String field) {
    JsonNode node = spec.input().path(field);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isString() || node.stringValue().isBlank()) {
      throw new SubagentLaunchException(spec.attemptId(), "input." + field + " must be a non-empty string, got " + node);
    }
    return node.stringValue();
  }
}
