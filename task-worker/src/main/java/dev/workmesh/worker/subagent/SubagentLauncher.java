package dev.workmesh.worker.subagent;

import dev.workmesh.worker.BoundedWait;
import dev.workmesh.worker.secrets.KnownSecrets;
import dev.workmesh.worker.secrets.SecretsBroker;
import dev.workmesh.worker.secrets.SecretsSession;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a claimed attempt into a supervised child process: resolves the runtime and renders its
 * argv, prepares {@code <dataDir>/attempts/<attemptId>} with its working directory (or git
 * worktree), opens a secrets session, and starts the process with the worker's environment plus:
 *
 * <ul>
 *   <li>{@code MESH_API_URL}, {@code MESH_TASK_ID}, {@code MESH_MISSION_ID}, {@code MESH_ATTEMPT_ID},
 *       {@code MESH_CLAIM_TOKEN}
 *   <li>{@code MESH_RESULT_FILE}: {@code <attempt dir>/result}; if written, it is the result instead of stdout
 *   <li>{@code MESH_SECRETS_SOCKET}, {@code MESH_SECRETS_SESSION} when a {@link SecretsBroker} is given
 * </ul>
 *
 * The worker's variables that back {@code env:} secrets, and the withheld ones (the worker's own
 * credentials), are removed from the child's environment.
 * stdin carries the runtime's {@code stdin} value (the agent CLIs' prompt) and is then closed, or is
 * {@code /dev/null}; either way a CLI never waits for input.
 *
 * <p>Each subagent runs in a session and process group of its own that dies with the worker (see
 * {@link ProcessGroupGuard}); every process is started from one of a few platform threads that live as
 * long as the launcher, since the kernel's parent-death signal fires when the <em>thread</em> that started
 * the child exits. The
 * attempt directory records the claim and the process group ({@link AttemptClaimRecord}) until the
 * group has ended, so that a worker restarted after a crash can {@link #reconcileLeftovers()}.
 */
public final class SubagentLauncher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SubagentLauncher.class);

  private final SubagentSettings settings;
  private final RuntimeCatalog runtimes;
  private final SecretsBroker secrets;
  private final Set<String> withheldVariables;
  private final KnownSecrets knownSecrets;
  private final GitRepositoryMirrors mirrors;
  private final AttemptWorkspaces workspaces;
  private final ProcessGroupGuard groups;
  private final Map<UUID, RunningSubagent> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("subagent-timers").factory());
  /**
   * How many subagents may be starting at the same moment. Starting one (fork and exec of the group
   * wrapper) takes a few milliseconds on an idle machine and far longer on a busy one; one thread would
   * make the attempts that start together wait for each other.
   */
  static final int SPAWNER_THREADS = 8;
  /**
   * Starts every subagent: its children are killed when the thread that started them ends, so each of
   * these threads lives as long as the launcher (created on demand, never retired; a failed start is
   * returned by its future and does not end the thread).
   */
  private final ExecutorService spawner =
      Executors.newFixedThreadPool(SPAWNER_THREADS, Thread.ofPlatform().daemon().name("subagent-spawner-", 0).factory());

  /** {@code secrets} may be null: subagents then get no secrets session. */
  public SubagentLauncher(SubagentSettings settings, RuntimeCatalog runtimes, SecretsBroker secrets) {
    this(settings, runtimes, secrets, Set.of());
  }

  /**
   * @param withheldVariables variables of the worker's environment a subagent must not inherit (the
   *     worker's own credentials), besides those backing {@code env:} secrets
   */
  public SubagentLauncher(SubagentSettings settings, RuntimeCatalog runtimes, SecretsBroker secrets, Set<String> withheldVariables) {
    this(settings, runtimes, secrets, withheldVariables, new KnownSecrets());
  }

  /**
   * @param knownSecrets values masked in every attempt's log (file and tail), besides each attempt's claim
   *     token: the worker's credentials and what its secrets broker serves
   */
  public SubagentLauncher(SubagentSettings settings, RuntimeCatalog runtimes, SecretsBroker secrets, Set<String> withheldVariables,
      KnownSecrets knownSecrets) {
    this.knownSecrets = knownSecrets;
    this.settings = settings;
    this.runtimes = runtimes;
    this.secrets = secrets;
    this.withheldVariables = Set.copyOf(withheldVariables);
    this.mirrors = new GitRepositoryMirrors(settings.reposDir(), new GitCli(settings.gitTimeout()));
    this.workspaces = new AttemptWorkspaces(mirrors);
    this.groups = ProcessGroupGuard.start(ExecutableLocator.fromEnvironment());
  }

  /**
   * Cleans up after an earlier run of this worker that ended without finishing its attempts (it
   * crashed, or was killed): kills whatever of their process groups still runs, removes their
   * workspaces, and returns them so that the worker can end their claims. Call before launching.
   *
   * @throws IllegalStateException when a leftover process survives SIGKILL
   */
  public List<LeftoverAttempt> reconcileLeftovers() {
    return new LeftoverReconciliation(settings.attemptsDir(), mirrors).run();
  }

  public SubagentLauncher(SubagentSettings settings, RuntimeCatalog runtimes) {
    this(settings, runtimes, null);
  }

  /**
   * Starts the attempt's subagent.
   *
   * @throws SubagentLaunchException when it cannot start (unknown runtime, missing binary, unusable
   *     input, repository that cannot be checked out); nothing is left running then
   */
  public RunningSubagent launch(AttemptSpec spec) {
    ResolvedRuntime runtime = runtimes.resolve(spec);
    List<String> argv = runtime.argvFor(spec);
    byte[] stdin = runtime.stdinFor(spec);
    if (running.containsKey(spec.attemptId())) {
      throw new SubagentLaunchException(spec.attemptId(), "is already running on this worker");
    }
    Path attemptDir = settings.attemptsDir().resolve(spec.attemptId().toString());
    createPrivateDirectory(spec, attemptDir);
    Path resultFile = attemptDir.resolve("result");
    AttemptClaimRecord claimRecord = AttemptClaimRecord.claimed(spec, attemptDir);
    writeRecord(spec, attemptDir, claimRecord);
    AttemptWorkspace workspace;
    try {
      workspace = workspaces.prepare(spec, attemptDir);
    } catch (RuntimeException e) {
      deleteRecord(attemptDir);
      throw e;
    }
    SecretsSession session = null;
    AttemptLog attemptLog = null;
    Process process = null;
    try {
      session = secrets == null ? null : secrets.openSession(spec.attemptId().toString());
      Files.deleteIfExists(resultFile);
      attemptLog =
          new AttemptLog(attemptDir.resolve("attempt.log"), settings.logMaxBytes(), settings.logMaxFiles(), settings.logTailBytes());
      ProcessBuilder builder =
          new ProcessBuilder(groups.command(checkedArgv(spec, argv)))
              .directory(workspace.directory().toFile())
              .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
      environment(builder.environment(), spec, resultFile, session);
      process = start(builder);
      long pgid = process.pid();
      long groupStart = ProcessGroups.startTicks(pgid).orElse(0L);
      groups.watch(pgid);
      writeRecord(spec, attemptDir, claimRecord.running(pgid, groupStart));
      if (stdin != null) {
        feed(spec, process, stdin);
      }
      SecretsSession openSession = session;
      KnownSecrets attemptSecrets = knownSecrets.including();
      attemptSecrets.add(spec.claimToken());
      RunningSubagent subagent =
          new RunningSubagent(
              spec, process, attemptDir, workspace.directory(), resultFile, attemptLog, attemptSecrets, settings.resultMaxBytes(),
              runtime.definition().output(), settings.killGrace(),
              new ProcessTreeTerminator(process.toHandle(), groupStart, groups::mayHaveMembers), timers,
              () -> {
                running.remove(spec.attemptId());
                try {
                  release(workspace, openSession);
                } finally {
                  groups.forget(pgid);
                  deleteRecord(attemptDir);
                }
              });
      running.put(spec.attemptId(), subagent);
      subagent.supervise();
      log.info(
          "Started attempt {} of task {} with runtime '{}' ({}) as pid {} in {}",
          spec.attemptId(), spec.taskId(), spec.runtime(), argv.getFirst(), process.pid(), workspace.directory());
      return subagent;
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        process.destroyForcibly();
        ProcessGroups.kill(process.pid(), 0);
      }
      running.remove(spec.attemptId());
      deleteRecord(attemptDir);
      if (attemptLog != null) {
        attemptLog.close();
      }
      release(workspace, session);
      if (e instanceof SubagentLaunchException launchFailure) {
        throw launchFailure;
      }
      throw new SubagentLaunchException(
          spec.attemptId(), "cannot start %s for runtime '%s': %s".formatted(argv.getFirst(), spec.runtime(), e.getMessage()), e);
    }
  }

  /** Runs {@code builder.start()} on a spawner thread (see the class comment). */
  private Process start(ProcessBuilder builder) throws IOException {
    try {
      return spawner.submit(builder::start).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the subagent", e);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IOException("the launcher is closed", e);
    }
  }

  /**
   * Inside the wrapper a missing program would only show as exit status 127: check it here, so that
   * it stays a launch error.
   */
  private List<String> checkedArgv(AttemptSpec spec, List<String> argv) throws IOException {
    String program = argv.getFirst();
    boolean checkable = program.startsWith("/") || !program.contains("/");
    if (groups.isolates() && checkable && new ExecutableLocator(System.getenv("PATH")).locate(program).isEmpty()) {
      throw new IOException("Cannot run program \"" + program + "\": no such executable file");
    }
    return argv;
  }

  private static void writeRecord(AttemptSpec spec, Path attemptDir, AttemptClaimRecord record) {
    try {
      record.write(attemptDir);
    } catch (IOException e) {
      throw new SubagentLaunchException(spec.attemptId(), "cannot write " + attemptDir.resolve(AttemptClaimRecord.FILE_NAME) + ": " + e.getMessage(), e);
    }
  }

  private static void deleteRecord(Path attemptDir) {
    try {
      AttemptClaimRecord.delete(attemptDir);
    } catch (IOException e) {
      log.warn("Cannot delete {}: {}; the next start of the worker reconciles it", attemptDir.resolve(AttemptClaimRecord.FILE_NAME), e.toString());
    }
  }

  /**
   * Writes {@code bytes} to the process's stdin and closes it, on a thread of its own since a pipe
   * holds only 64 KiB until the process reads. A process that exits without reading all of it is no
   * error of the worker's.
   */
  private static void feed(AttemptSpec spec, Process process, byte[] bytes) {
    Thread.ofVirtual().name("subagent-" + spec.attemptId() + "-stdin").start(() -> {
      try (var in = process.getOutputStream()) {
        in.write(bytes);
      } catch (IOException e) {
        log.debug("Attempt {}: its subagent did not read all of its stdin: {}", spec.attemptId(), e.toString());
      }
    });
  }

  /** The attempts whose subagent has not finished yet. */
  public Collection<RunningSubagent> running() {
    return List.copyOf(running.values());
  }

  private void environment(Map<String, String> env, AttemptSpec spec, Path resultFile, SecretsSession session) {
    withheldVariables.forEach(env::remove);
    if (secrets != null) {
      secrets.sourceEnvironmentVariables().forEach(env::remove);
    }
    if (spec.apiUrl() != null) {
      env.put("MESH_API_URL", spec.apiUrl());
    }
    env.put("MESH_TASK_ID", spec.taskId().toString());
    env.put("MESH_MISSION_ID", spec.missionId().toString());
    env.put("MESH_ATTEMPT_ID", spec.attemptId().toString());
    if (spec.claimToken() != null) {
      env.put("MESH_CLAIM_TOKEN", spec.claimToken());
    }
    env.put("MESH_RESULT_FILE", resultFile.toAbsolutePath().toString());
    if (session != null) {
      env.put("MESH_SECRETS_SOCKET", secrets.socketPath().toAbsolutePath().toString());
      env.put("MESH_SECRETS_SESSION", session.id());
    }
  }

  private static void release(AttemptWorkspace workspace, SecretsSession session) {
    try {
      workspace.release();
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /** The attempt directory holds its output, which may be sensitive: owner only. */
  private static void createPrivateDirectory(AttemptSpec spec, Path dir) {
    try {
      Files.createDirectories(dir);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new SubagentLaunchException(spec.attemptId(), "cannot create attempt directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Cancels every subagent still running and waits for them to be stopped (at most the kill grace
   * plus a margin), then stops the timers. A worker that wants running attempts to finish waits for
   * their outcomes before closing. Cancelling after close stops with SIGKILL at once.
   */
  @Override
  public void close() {
    List<RunningSubagent> left = List.copyOf(running.values());
    left.forEach(RunningSubagent::cancel);
    CompletableFuture<?>[] outcomes = left.stream().map(RunningSubagent::outcome).toArray(CompletableFuture[]::new);
    Duration limit = settings.killGrace().plus(RunningSubagent.OUTPUT_DRAIN_LIMIT).plusSeconds(5);
    if (!BoundedWait.completes(CompletableFuture.allOf(outcomes), limit) && !Thread.currentThread().isInterrupted()) {
      log.warn("Some subagents had not finished {} after being cancelled at shutdown", limit);
    }
    timers.shutdownNow();
    spawner.shutdownNow();
    groups.close();
  }
}
