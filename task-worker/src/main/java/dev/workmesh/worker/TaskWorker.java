package dev.workmesh.worker;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.worker.attempt.AttemptRunner;
import dev.workmesh.worker.attempt.RuntimeChoice;
import dev.workmesh.worker.attempt.RuntimeOffer;
import dev.workmesh.worker.config.TaskWorkerProperties;
import dev.workmesh.worker.dispatch.Slots;
import dev.workmesh.worker.dispatch.TaskClaimer;
import dev.workmesh.worker.dispatch.TaskDispatch;
import dev.workmesh.worker.dispatch.WorkerTopics;
import dev.workmesh.worker.identity.AgentEnrolment;
import dev.workmesh.worker.identity.AgentIdentity;
import dev.workmesh.worker.identity.CredentialVariables;
import dev.workmesh.worker.identity.EnrolmentRetry;
import dev.workmesh.worker.identity.IdentityRejectedException;
import dev.workmesh.worker.identity.IdentityStore;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import dev.workmesh.worker.secrets.KnownSecrets;
import dev.workmesh.worker.secrets.SecretsBroker;
import dev.workmesh.worker.secrets.SecretsBrokerSettings;
import dev.workmesh.client.model.FailRequest;
import dev.workmesh.worker.spool.PendingReport;
import dev.workmesh.worker.spool.ReportSender;
import dev.workmesh.worker.spool.ReportSpool;
import dev.workmesh.worker.subagent.InProcessRuntime;
import dev.workmesh.worker.subagent.LeftoverAttempt;
import dev.workmesh.worker.subagent.RuntimeCatalog;
import dev.workmesh.worker.subagent.SubagentLauncher;
import dev.workmesh.worker.subagent.SubagentSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node daemon as a plain object: built from its {@link TaskWorkerProperties}, the common Kafka
 * client settings and a meter registry, started and stopped by its owner (the Spring application, or
 * a test running several workers in one JVM).
 *
 * <p>{@link #start()} checks the configuration and the runtimes at once, then, on a thread of its own
 * (waiting for mesh-api if it is not up yet): finds or enrols the identity, sends what the spool kept
 * from an earlier run, starts the agent heartbeat, and starts claiming (Kafka and pulls).
 *
 * <p>{@link #stop()} stops claiming, lets running attempts finish for the shutdown grace, then
 * cancels the rest and releases their tasks.
 */
public final class TaskWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);

  private final TaskWorkerProperties properties;
  private final Map<String, Object> kafkaCommon;
  private final Map<String, String> environment;
  private final WorkerMetrics metrics;
  private final Slots slots;
  private final CompletableFuture<AgentIdentity> started = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final CompletableFuture<RuntimeException> fatal = new CompletableFuture<>();
  private final AtomicBoolean starting = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<AutoCloseable> loops = new ArrayList<>();
  private final Map<String, InProcessRuntime> inProcessRuntimes = new HashMap<>();

  private LockFile dataDirLock;
  private SecretsBroker secrets;
  /** Masked in attempt output: the worker's credentials and what its secrets broker serves. */
  private KnownSecrets knownSecrets;
  private SubagentLauncher launcher;
  private RuntimeChoice runtimes;
  private Thread startThread;
  private volatile AgentIdentity identity;
  private volatile AttemptRunner runner;
  private volatile TaskDispatch dispatch;

  /**
   * @param kafkaCommon Kafka client settings every consumer shares: bootstrap servers, TLS, SASL
   * @param environment the environment that backs {@code env:} secrets (normally {@code System.getenv()})
   */
  public TaskWorker(
      TaskWorkerProperties properties, Map<String, Object> kafkaCommon, MeterRegistry registry, Map<String, String> environment) {
    this.properties = properties;
    this.kafkaCommon = Map.copyOf(kafkaCommon);
    this.environment = Map.copyOf(environment);
    this.metrics = new WorkerMetrics(registry);
    this.slots = new Slots(properties.maxConcurrentSubagents());
    // Busy means an attempt holds the slot; a consumer holding one only while it polls does not count.
    metrics.slotGauges(this::runningAttempts, () -> slots.capacity() - runningAttempts());
  }

  public TaskWorker(TaskWorkerProperties properties, Map<String, Object> kafkaCommon, MeterRegistry registry) {
    this(properties, kafkaCommon, registry, System.getenv());
  }

  /**
   * Adds a runtime that runs attempts inside this JVM, offered next to the configured ones. For code that
   * builds a worker itself (the benchmark measures the claim and report path with one that does nothing);
   * no configuration key reaches it. Call before {@link #start()}.
   */
  public TaskWorker withInProcessRuntime(String name, InProcessRuntime runtime) {
    if (starting.get()) {
      throw new IllegalStateException("in-process runtimes are added before the worker starts");
    }
    inProcessRuntimes.put(name, runtime);
    return this;
  }

  /**
   * Starts the worker. Configuration errors throw here; the rest happens in the background.
   *
   * @return completes with the identity once the worker claims work; fails if it never will
   */
  public CompletableFuture<AgentIdentity> start() {
    if (!starting.compareAndSet(false, true)) {
      return started;
    }
    try {
      PrivateFiles.createDirectories(properties.dataDir());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create task-worker.data-dir " + properties.dataDir() + ": " + e.getMessage(), e);
    }
    dataDirLock = DataDirLock.acquire(properties.dataDir());
    try {
      SubagentSettings subagentSettings = properties.subagentSettings();
      RuntimeCatalog catalog = RuntimeOffer.catalog(subagentSettings);
      runtimes = new RuntimeChoice(RuntimeOffer.offered(properties, catalog, inProcessRuntimes.keySet()), properties.defaultRuntime());
      knownSecrets = WorkerCredentials.known(properties, System.getenv(), kafkaCommon);
      secrets = SecretsBroker.start(
          SecretsBrokerSettings.inDataDir(properties.dataDir(), properties.secrets()), environment, knownSecrets);
      launcher = new SubagentLauncher(subagentSettings, catalog, secrets,
          CredentialVariables.withheldFrom(properties, System.getenv()), knownSecrets);
      // Before anything is claimed: a retry on this node must never start while a copy from before a crash still runs.
      List<LeftoverAttempt> leftovers = launcher.reconcileLeftovers();
      startThread = Thread.ofPlatform().name("worker-start").start(() -> startInBackground(leftovers));
    } catch (RuntimeException e) {
      if (launcher != null) {
        launcher.close();
      }
      dataDirLock.close();
      throw e;
    }
    return started;
  }

  private void startInBackground(List<LeftoverAttempt> leftovers) {
    try {
      IdentityStore store = new IdentityStore(properties.dataDir().resolve("identity.json"));
      EnrolmentRetry retry = new EnrolmentRetry(properties.apiBaseUrls(), properties.apiTimeout());
      AgentEnrolment enrolment = new AgentEnrolment(properties, store, retry::client);
      List<String> offered = List.copyOf(runtimes.offered());
      identity = retry.untilReachable(() -> enrolment.resolve(offered), stopping::get).orElse(null);
      if (identity == null) {
        return;
      }
      knownSecrets.add(identity.agentToken());
      slots.allowReportsInFlight(enrolment.maxConcurrency());
      GuardedMeshClient api =
          new GuardedMeshClient(properties.apiBaseUrls(), url -> new MeshClient(url, identity.agentToken(), properties.apiTimeout()),
              metrics.registry(),
              e -> fatal(enrolment.rejected(identity, enrolment.sourceOf(identity), e)));
      ReportSpool spool = new ReportSpool(properties.dataDir().resolve("spool"));
      ReportSender reports = new ReportSender(api, spool, metrics, properties.batchWindow(), properties.batchMax());
      endLeftoverClaims(leftovers, reports);
      int resent = reports.resendSpooled();
      if (resent > 0) {
        log.info("Sent {} report(s) spooled by an earlier run", resent);
      }
      runner =
          new AttemptRunner(
              api, launcher, runtimes, reports, metrics, properties.attemptHeartbeatInterval(), properties.firstHeartbeatAfter(),
              properties.batchWindow(),
              inProcessRuntimes, properties.apiBaseUrl());
      synchronized (loops) {
        if (stopping.get()) {
          reports.close();
          runner.close();
          return;
        }
        // Closed last (the list is closed in reverse): reports and renewals outlive every attempt.
        loops.add(reports);
        loops.add(runner::close);
        loops.add(WorkerLoops.start("attempt-heartbeats", properties.attemptHeartbeatInterval(), runner::renewLeases, metrics));
        loops.add(WorkerLoops.start("spool-resend", properties.spoolResendInterval(), reports::resendSpooled, metrics));
        loops.add(WorkerLoops.start("agent-heartbeat", properties.agentHeartbeatInterval(), () -> agentHeartbeat(api), metrics));
        dispatch =
            TaskDispatch.start(
                identity.agentId(), properties.pools(), new WorkerTopics(properties.topicPrefix()), kafkaCommon,
                "workmesh-worker-" + properties.nodeName(), slots, new TaskClaimer(api, runner, metrics),
                api, properties.apiTimeout(), properties.idlePullInterval(), properties.pollRecords(), metrics);
      }
      log.info("Worker '{}' (agent {}) is claiming work: pools {}, {} slot(s)", properties.nodeName(), identity.agentId(),
          properties.pools(), slots.capacity());
      started.complete(identity);
    } catch (RuntimeException e) {
      if (stopping.get()) {
        log.debug("Start-up ended by stop(): {}", e.toString());
      } else if (e instanceof IdentityRejectedException rejected) {
        fatal(rejected);
      } else {
        fatal(new IllegalStateException("the worker could not start: " + e.getMessage(), e));
      }
    }
  }

  /**
   * Ends the claims of attempts a crash left behind (their processes are already killed): reported
   * failed and retryable, so the task runs again, counting the attempt. A claim that is no longer live
   * gets 409 and the report is dropped; one the API cannot take now is spooled like any report.
   */
  private static void endLeftoverClaims(List<LeftoverAttempt> leftovers, ReportSender reports) {
    for (LeftoverAttempt leftover : leftovers) {
      if (leftover.claimToken() == null) {
        log.warn("Attempt {} of task {} was left by an earlier run and its claim token was not recorded; its lease lapses",
            leftover.attemptId(), leftover.taskId());
        continue;
      }
      FailRequest lost =
          new FailRequest(leftover.claimToken(), "the worker running this attempt stopped unexpectedly (crashed or killed);"
              + " its processes were killed when it restarted", "failed", true, null, null);
      ReportSender.Delivery delivery = reports.send(PendingReport.fail(leftover.taskId(), leftover.attemptId(), lost));
      log.info("Attempt {} of task {}, left by an earlier run: failure report {}", leftover.attemptId(), leftover.taskId(),
          delivery.name().toLowerCase());
    }
  }

  private void agentHeartbeat(GuardedMeshClient api) {
    try {
      api.agentHeartbeat(identity.agentId());
    } catch (MeshUnavailableException e) {
      log.warn("Agent heartbeat failed: {}", e.getMessage());
    } catch (MeshApiException e) {
      if (e.status() != 401) {
        log.warn("Agent heartbeat refused: {}", e.getMessage());
      }
    }
  }

  /** Something the worker cannot recover from (its identity was refused): stop claiming and say so. */
  private void fatal(RuntimeException e) {
    if (!fatal.complete(e)) {
      return;
    }
    log.error("The worker stops: {}", e.getMessage());
    AttemptRunner attempts = runner;
    if (attempts != null && e instanceof IdentityRejectedException) {
      attempts.revoked();
    }
    started.completeExceptionally(e);
    Thread.ofPlatform().name("worker-fatal-stop").start(this::stop);
  }

  /**
   * Completes when the worker hit an error it cannot recover from; the owner should exit non-zero.
   * It completes before the worker begins to stop because of it.
   */
  public CompletableFuture<RuntimeException> fatalFailure() {
    return fatal;
  }

  /** Completes once {@link #stop()} has finished, whoever called it. */
  public CompletableFuture<Void> terminated() {
    return stopped.copy();
  }

  /** Whether the worker has started and claims work (not before enrolment, not after stop). */
  public boolean claiming() {
    return started.isDone() && !started.isCompletedExceptionally() && !stopping.get();
  }

  /** The identity in use, once enrolled. */
  public Optional<AgentIdentity> identity() {
    return Optional.ofNullable(identity);
  }

  /** Attempts claimed and not yet reported. */
  public int runningAttempts() {
    AttemptRunner attempts = runner;
    return attempts == null ? 0 : attempts.running();
  }

  /**
   * Cuts a stop's shutdown grace short (a second Ctrl-C): attempts still running are stopped now and their
   * tasks released, so another agent may claim them at once.
   */
  public void endShutdownGrace() {
    Optional.ofNullable(runner).ifPresent(AttemptRunner::endGrace);
  }

  public WorkerMetrics metrics() {
    return metrics;
  }

  public TaskWorkerProperties properties() {
    return properties;
  }

  /**
   * Stops gracefully: no more claims; running attempts get the shutdown grace to finish and report;
   * what still runs then is cancelled (SIGTERM, SIGKILL after the kill grace) and its task released.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      stopped.join();
      return;
    }
    try {
      if (startThread != null) {
        startThread.interrupt();
        joinQuietly(startThread);
      }
      AttemptRunner attempts = runner;
      if (attempts != null) {
        attempts.stopAccepting();
      }
      synchronized (loops) {
        if (dispatch != null) {
          dispatch.close();
        }
      }
      if (attempts != null) {
        if (attempts.running() > 0) {
          log.info("Stopping: no more claims; waiting up to {} for {} running attempt(s)", properties.shutdownGrace(), attempts.running());
        }
        if (!attempts.awaitIdle(properties.shutdownGrace())) {
          attempts.cancelAndRelease(properties.killGrace().plusSeconds(15));
        }
      }
      synchronized (loops) {
        loops.reversed().forEach(TaskWorker::closeQuietly);
      }
      if (launcher != null) {
        launcher.close();
      }
      if (secrets != null) {
        secrets.close();
      }
      if (dataDirLock != null) {
        dataDirLock.close();
      }
      started.completeExceptionally(new IllegalStateException("the worker was stopped"));
      log.info("Worker '{}' stopped", properties.nodeName());
    } finally {
      stopped.complete(null);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("Stopping {} failed: {}", closeable, e.toString());
    }
  }
}
