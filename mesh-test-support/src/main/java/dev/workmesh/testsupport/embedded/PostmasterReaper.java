package dev.workmesh.testsupport.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an embedded PostgreSQL die with the JVM that started it. {@code pg_ctl} daemonizes the postmaster,
 * so a JVM killed with SIGKILL would leave it running (holding its port, its data dir and, for a throw-away
 * cluster, its files in /tmp). Two guards:
 *
 * <ul>
 *   <li>a watcher process, in a session of its own, blocked on a pipe from this JVM: only the kernel holds
 *       the other end, so the pipe closes when the JVM dies however it dies, and the watcher then stops the
 *       postmaster (fast shutdown, SIGINT) and removes a throw-away data dir;
 *   <li>at start-up on a kept data dir, a postmaster still running from its {@code postmaster.pid} is an
 *       orphan of an earlier JVM (the data dir's owner holds it exclusively) and is stopped first.
 * </ul>
 *
 * <p>A shell one-liner rather than a library: no library watches a parent's death from outside the JVM.
 */
final class PostmasterReaper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostmasterReaper.class);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  private static final String WATCHER = """
      read _ignored
      kill -INT "$1" 2>/dev/null
      if [ -n "$2" ]; then
        while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
        rm -rf "$2"
      fi
      """;

  private final Process watcher;

  private PostmasterReaper(Process watcher) {
    this.watcher = watcher;
  }

  /**
   * Starts the watcher of {@code postmasterPid}.
   *
   * @param throwAwayDataDir removed once the postmaster is gone; {@code null} for a kept data dir
   */
  static PostmasterReaper watch(long postmasterPid, Path throwAwayDataDir) {
    try {
      Process watcher = new ProcessBuilder("setsid", "sh", "-c", WATCHER, "postmaster-reaper",
          Long.toString(postmasterPid), throwAwayDataDir == null ? "" : throwAwayDataDir.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return new PostmasterReaper(watcher);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the watcher that stops PostgreSQL when this JVM dies (needs"
          + " setsid and sh on the PATH)", e);
    }
  }

  /** The PID in {@code postmaster.pid} of a data dir, if the file is there. */
  static Optional<Long> postmasterPid(Path dataDirectory) {
    Path file = dataDirectory.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Stops a postmaster left running on {@code dataDirectory} by a JVM that died without stopping it. */
  static void reapOrphan(Path dataDirectory) {
    Optional<ProcessHandle> orphan = postmasterPid(dataDirectory).flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle p = orphan.get();
    log.warn("stopping PostgreSQL (PID {}) left running on {} by a process that died", p.pid(), dataDirectory);
    p.destroy(); // SIGTERM: a smart shutdown, and no client is left
    try {
      p.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      log.warn("PostgreSQL (PID {}) did not stop within {}; killed it", p.pid(), ORPHAN_STOP_WAIT);
    }
  }

  /** The owner stops PostgreSQL itself: the watcher is no longer needed. */
  @Override
  public void close() {
    watcher.destroy();
  }
}
