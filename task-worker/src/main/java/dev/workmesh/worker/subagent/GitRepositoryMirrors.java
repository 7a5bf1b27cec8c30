package dev.workmesh.worker.subagent;

import dev.workmesh.worker.subagent.GitCli.GitFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bare mirror per repository under {@code repos/<sha256 of the repository string>}, cloned
 * once and fetched before each checkout, from which each attempt gets a detached worktree. Work on
 * one mirror is serialised because concurrent fetches and worktree changes race on its refs.
 */
final class GitRepositoryMirrors {

  private static final Logger log = LoggerFactory.getLogger(GitRepositoryMirrors.class);

  private final Path reposDir;
  private final GitCli git;
  private final Map<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

  GitRepositoryMirrors(Path reposDir, GitCli git) {
    this.reposDir = reposDir;
    this.git = git;
  }

  static String mirrorName(String repository) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(repository.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Checks {@code ref} of {@code repository} out, detached, at {@code worktree}; returns the mirror. */
  Path addWorktree(String repository, String ref, Path worktree) {
    Path mirror = reposDir.resolve(mirrorName(repository));
    ReentrantLock lock = locks.computeIfAbsent(mirror, m -> new ReentrantLock());
    lock.lock();
    try {
      String fetchFailure = refresh(repository, mirror);
      try {
        git.run(mirror, "worktree", "add", "--detach", "--end-of-options", worktree.toString(), ref);
      } catch (GitFailedException e) {
        throw new GitFailedException(
            "cannot check out ref '%s' of %s: %s%s"
                .formatted(ref, repository, e.getMessage(), fetchFailure == null ? "" : " (the fetch before it failed too: " + fetchFailure + ")"));
      }
      return mirror;
    } finally {
      lock.unlock();
    }
  }

  /** Clones the mirror if absent, else fetches; a failed fetch is returned, not thrown, so a cached ref still works offline. */
  private String refresh(String repository, Path mirror) {
    if (!Files.isDirectory(mirror)) {
      cloneMirror(repository, mirror);
      return null;
    }
    try {
      git.run(mirror, "fetch", "--prune", "--quiet", "origin");
      return null;
    } catch (GitFailedException e) {
      log.warn("Fetching {} into {} failed; using the refs already there: {}", repository, mirror, e.getMessage());
      return e.getMessage();
    }
  }

  /** Clones next to the final place and renames, so a crash never leaves a half-cloned mirror. */
  private void cloneMirror(String repository, Path mirror) {
    Path partial = mirror.resolveSibling(mirror.getFileName() + ".partial-" + UUID.randomUUID());
    try {
      Files.createDirectories(reposDir);
      git.run(reposDir, "clone", "--mirror", "--quiet", "--", repository, partial.toString());
      Files.move(partial, mirror, StandardCopyOption.ATOMIC_MOVE);
      log.info("Cloned {} into {}", repository, mirror);
    } catch (GitFailedException e) {
      deleteRecursively(partial);
      throw new GitFailedException("cannot clone " + repository + ": " + e.getMessage());
    } catch (IOException e) {
      deleteRecursively(partial);
      throw new UncheckedIOException("cannot place the mirror of " + repository + " at " + mirror, e);
    }
  }

  /** Removes the worktree and its bookkeeping in the mirror; falls back to deleting and pruning. */
  void removeWorktree(Path mirror, Path worktree) {
    ReentrantLock lock = locks.computeIfAbsent(mirror, m -> new ReentrantLock());
    lock.lock();
    try {
      git.run(mirror, "worktree", "remove", "--force", worktree.toString());
    } catch (GitFailedException e) {
      log.warn("git worktree remove of {} failed, deleting it and pruning instead: {}", worktree, e.getMessage());
      deleteRecursively(worktree);
      try {
        git.run(mirror, "worktree", "prune");
      } catch (GitFailedException pruneFailure) {
        log.warn("git worktree prune in {} failed: {}", mirror, pruneFailure.getMessage());
      }
    } finally {
      lock.unlock();
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", root, e.toString());
    }
  }
}
