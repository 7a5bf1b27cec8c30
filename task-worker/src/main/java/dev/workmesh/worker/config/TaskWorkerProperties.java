package dev.workmesh.worker.config;

import dev.workmesh.worker.subagent.Autonomy;
import dev.workmesh.worker.subagent.BuiltInRuntimes;
import dev.workmesh.worker.subagent.RuntimeDefinition;
import dev.workmesh.worker.subagent.SubagentSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the worker, under the prefix {@code task-worker} (environment variables work too:
 * {@code task-worker.api-url} is {@code TASK_WORKER_API_URL}). A null field takes the default named
 * here; an invalid value stops the worker at start-up with a message that names the key and what it
 * expects. Kafka itself is configured with Boot's {@code spring.kafka.*} (bootstrap servers, TLS, SASL).
 *
 * @param apiUrl base URL of mesh-api, e.g. {@code http://mesh.example:8080} ({@code MESH_API_URL}), or
 *     several replicas' URLs separated by commas: the worker uses one at a time and fails over to the
 *     next when it cannot be reached (no connection, timeout, 5xx, 429). The first is the one the
 *     identity is recorded with and the one subagents get as {@code MESH_API_URL}. Required.
 * @param enrolmentToken the operator token, used once to enrol this node when it has no identity yet;
 *     the agent token it receives is kept in {@code <data-dir>/identity.json}. Default none.
 * @param agentId with {@code agent-token}: an identity provisioned elsewhere, used instead of the
 *     identity file. Default none.
 * @param agentToken the agent token belonging to {@code agent-id}. Default none.
 * @param nodeName the agent name shown in the mesh. Default: this machine's host name.
 * @param pools pools whose first_claim tasks this worker competes for. Default {@code [default]}.
 * @param capabilities capabilities advertised at enrolment; a task needing others is not offered. Default none.
 * @param labels free-form labels advertised at enrolment. Default none.
 * @param runtimes runtimes to offer. Default: every built-in or extra runtime whose binary is installed
 *     (fake, bash and exec always are); a listed runtime whose binary is missing is logged and left out.
 * @param defaultRuntime runtime for a task without a runtime hint whose input has neither {@code argv}
 *     ({@code exec}) nor {@code command} ({@code bash}). Default: the first available of claude_code,
 *     codex, gemini, goose.
 * @param maxConcurrentSubagents how many subagents run at once; the agent enrols with twice this as its
 *     max_concurrency, room for as many reports on their way. Default 3.
 * @param dataDir identity, spool, attempt directories and the secrets socket. Default {@code ~/.workmesh/worker}.
 * @param agentHeartbeatInterval how often the agent says it is alive. Default 10s.
 * @param attemptHeartbeatInterval how often each running attempt renews its lease. Default 10s; at
 *     most 15s, because mesh-api's lease is 30s by default and a lapsed lease is rescued.
 * @param firstHeartbeatAfter how long an attempt runs before its first heartbeat, which marks its task
 *     running; an attempt that ends sooner reports without one, its task going from claimed to its outcome
 *     (a request and a transaction fewer per short task). Default 500ms (the heartbeat interval if that is
 *     shorter); 0s heartbeats as the subagent starts.
 * @param idlePullInterval how often a worker with a free slot pulls claimable tasks from the API,
 *     besides reacting to Kafka records; it also pulls once at start-up. Default 15s.
 * @param spoolResendInterval how often reports that could not be delivered are sent again. Default 10s.
 * @param shutdownGrace on shutdown, how long running attempts may finish before they are cancelled
 *     and released. Default 30s.
 * @param killGrace time between SIGTERM and SIGKILL when a subagent is stopped. Default 10s.
 * @param logMaxSize size at which an attempt's log is rotated. Default 10MB.
 * @param logMaxFiles rotated attempt logs kept. Default 3.
 * @param apiTimeout how long one API call may take. Default 30s.
 * @param binaries runtime name to binary (name on PATH or path), e.g. {@code
 *     task-worker.binaries[claude_code]=/opt/claude/bin/claude}. Use the brackets: Spring drops
 *     {@code _} from map keys without them. Default none.
 * @param extraRuntimes more runtimes, or replacements of built-ins by name: {@code name}, {@code
 *     binary}, {@code args} (placeholders such as {@code {prompt}} each become one argument). Default none.
 * @param secrets secret name to source, {@code env:VARIABLE} or {@code file:/absolute/path}, served to
 *     subagents by the secrets broker. Use brackets for names with {@code _}: {@code
 *     task-worker.secrets[GITHUB_TOKEN]=env:GITHUB_TOKEN}. Default none.
 * @param autonomy how much each agent CLI may do without a person approving: {@code
 *     task-worker.autonomy.claude_code}, {@code .codex}, {@code .gemini} set to {@code read_only},
 *     {@code workspace} (the default: edit files and run commands in the attempt's directory) or
 *     {@code full} (unconfined, for workers that are themselves a sandbox). Default workspace for each.
 * @param topicPrefix prefix of the mesh's Kafka topics and groups. Default: {@code
 *     workmesh.kafka.topic-prefix}, else empty.
 * @param batchWindow how long a report or a heartbeat waits for others to share its request: reports of
 *     attempts that end within this window go in one {@code POST /work/reports}, heartbeats of attempts
 *     that start within it (and every interval's renewals) in one {@code POST /work/heartbeats}. Default
 *     2ms; 0s sends only what is already waiting together.
 * @param batchMax the most reports of one request (1: one request per report). Default 50.
 * @param pollRecords the most dispatch records one poll of a pool's share group takes, all claimed in one
 *     request; never more than the slots free at the time are claimed. Default {@code
 *     max-concurrent-subagents}.
 */
@ConfigurationProperties("task-worker")
public record TaskWorkerProperties(
    List<URI> apiUrl,
    String enrolmentToken,
    UUID agentId,
    String agentToken,
    String nodeName,
    List<String> pools,
    List<String> capabilities,
    Map<String, String> labels,
    List<String> runtimes,
    String defaultRuntime,
    Integer maxConcurrentSubagents,
    Path dataDir,
    Duration agentHeartbeatInterval,
    Duration attemptHeartbeatInterval,
    Duration firstHeartbeatAfter,
    Duration idlePullInterval,
    Duration spoolResendInterval,
    Duration shutdownGrace,
    Duration killGrace,
    DataSize logMaxSize,
    Integer logMaxFiles,
    Duration apiTimeout,
    Map<String, String> binaries,
    List<RuntimeDefinition> extraRuntimes,
    Map<String, String> secrets,
    String topicPrefix,
    Map<String, String> autonomy,
    Duration batchWindow,
    Integer batchMax,
    Integer pollRecords) {

  /** The most an attempt heartbeat may wait: half of mesh-api's default lease of 30s. */
  public static final Duration MAX_ATTEMPT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public TaskWorkerProperties {
    apiUrl = apiUrl == null ? List.of() : apiUrl.stream().filter(u -> u != null && !u.toString().isBlank()).toList();
    if (apiUrl.isEmpty()) {
      throw new IllegalArgumentException(
          "task-worker.api-url is not set: set it (or MESH_API_URL) to the base URL of mesh-api,"
              + " e.g. http://mesh.example:8080, or to several replicas' URLs separated by commas");
    }
    for (URI url : apiUrl) {
      if (url.getScheme() == null || !List.of("http", "https").contains(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "task-worker.api-url must be an http(s) URL with a host (or several, separated by commas), e.g."
                + " http://mesh.example:8080; got '" + url + "'");
      }
    }
    enrolmentToken = blankToNull(enrolmentToken);
    agentToken = blankToNull(agentToken);
    if ((agentId == null) != (agentToken == null)) {
      throw new IllegalArgumentException(
          "task-worker.agent-id and task-worker.agent-token go together: set both to use an identity provisioned"
              + " elsewhere, or neither to use <data-dir>/identity.json (enrolling with task-worker.enrolment-token)");
    }
    nodeName = blankToNull(nodeName) == null ? hostName() : nodeName.strip();
    pools = names("pools", pools == null || pools.isEmpty() ? List.of("default") : pools);
    capabilities = names("capabilities", capabilities == null ? List.of() : capabilities);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    runtimes = runtimes == null || runtimes.isEmpty() ? null : names("runtimes", runtimes);
    defaultRuntime = blankToNull(defaultRuntime);
    maxConcurrentSubagents = maxConcurrentSubagents == null ? 3 : maxConcurrentSubagents;
    if (maxConcurrentSubagents < 1 || maxConcurrentSubagents > 100) {
      throw new IllegalArgumentException(
          "task-worker.max-concurrent-subagents must be between 1 and 100 (the API's largest claim); got "
              + maxConcurrentSubagents);
    }
    dataDir = expandHome(dataDir == null ? Path.of("~", ".workmesh", "worker") : dataDir);
    agentHeartbeatInterval = positive("agent-heartbeat-interval", agentHeartbeatInterval, Duration.ofSeconds(10));
    attemptHeartbeatInterval = positive("attempt-heartbeat-interval", attemptHeartbeatInterval, Duration.ofSeconds(10));
    if (attemptHeartbeatInterval.compareTo(MAX_ATTEMPT_HEARTBEAT_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "task-worker.attempt-heartbeat-interval must be at most " + MAX_ATTEMPT_HEARTBEAT_INTERVAL.toSeconds()
              + "s: mesh-api's lease is 30s by default and a claim whose lease lapses is taken away; got "
              + attemptHeartbeatInterval);
    }
    if (firstHeartbeatAfter == null) {
      Duration half = Duration.ofMillis(500);
      firstHeartbeatAfter = half.compareTo(attemptHeartbeatInterval) < 0 ? half : attemptHeartbeatInterval;
    }
    if (firstHeartbeatAfter.isNegative() || firstHeartbeatAfter.compareTo(attemptHeartbeatInterval) > 0) {
      throw new IllegalArgumentException("task-worker.first-heartbeat-after must be between 0s and"
          + " task-worker.attempt-heartbeat-interval (" + attemptHeartbeatInterval + "), e.g. 500ms; got " + firstHeartbeatAfter);
    }
    idlePullInterval = positive("idle-pull-interval", idlePullInterval, Duration.ofSeconds(15));
    spoolResendInterval = positive("spool-resend-interval", spoolResendInterval, Duration.ofSeconds(10));
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(30) : shutdownGrace;
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("task-worker.shutdown-grace must be 0s or more, e.g. 30s; got " + shutdownGrace);
    }
    killGrace = positive("kill-grace", killGrace, SubagentSettings.DEFAULT_KILL_GRACE);
    logMaxSize = logMaxSize == null ? DataSize.ofBytes(SubagentSettings.DEFAULT_LOG_MAX_BYTES) : logMaxSize;
    if (logMaxSize.toBytes() < 1024) {
      throw new IllegalArgumentException("task-worker.log-max-size must be at least 1KB, e.g. 10MB; got " + logMaxSize);
    }
    logMaxFiles = logMaxFiles == null ? SubagentSettings.DEFAULT_LOG_MAX_FILES : logMaxFiles;
    if (logMaxFiles < 0) {
      throw new IllegalArgumentException("task-worker.log-max-files must be 0 or more; got " + logMaxFiles);
    }
    apiTimeout = positive("api-timeout", apiTimeout, Duration.ofSeconds(30));
    binaries = binaries == null ? Map.of() : Map.copyOf(binaries);
    extraRuntimes = extraRuntimes == null ? List.of() : List.copyOf(extraRuntimes);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    topicPrefix = topicPrefix == null ? "" : topicPrefix.strip();
    autonomy = autonomy == null ? Map.of() : Map.copyOf(autonomy);
    autonomyByRuntime(autonomy);
    batchWindow = batchWindow == null ? Duration.ofMillis(2) : batchWindow;
    if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("task-worker.batch-window must be between 0s and 1s, e.g. 2ms; got " + batchWindow);
    }
    batchMax = batchMax == null ? 50 : batchMax;
    if (batchMax < 1 || batchMax > 100) {
      throw new IllegalArgumentException("task-worker.batch-max must be between 1 and 100 (the API's largest batch); got "
          + batchMax);
    }
    pollRecords = pollRecords == null ? maxConcurrentSubagents : pollRecords;
    if (pollRecords < 1 || pollRecords > maxConcurrentSubagents) {
      throw new IllegalArgumentException("task-worker.poll-records must be between 1 and max-concurrent-subagents ("
          + maxConcurrentSubagents + "); got " + pollRecords);
    }
  }

  /** How subagents run: the data directory, kill grace, log rotation, binaries and extra runtimes. */
  public SubagentSettings subagentSettings() {
    return new SubagentSettings(
        dataDir, killGrace, logMaxSize.toBytes(), logMaxFiles, null, null, null, binaries, extraRuntimes,
        autonomyByRuntime(autonomy));
  }

  /**
   * Reads {@code autonomy}, whose keys may have lost their {@code _} to relaxed binding ({@code
   * claudecode}, {@code claude-code}): each names one of the runtimes that take an autonomy.
   */
  private static Map<String, Autonomy> autonomyByRuntime(Map<String, String> autonomy) {
    Map<String, Autonomy> byRuntime = new java.util.LinkedHashMap<>();
    autonomy.forEach((key, value) -> {
      String runtime = BuiltInRuntimes.WITH_AUTONOMY.stream()
          .filter(name -> squash(name).equals(squash(key)))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "task-worker.autonomy has the key '" + key + "'; the runtimes that take an autonomy are "
                  + BuiltInRuntimes.WITH_AUTONOMY.stream().sorted().toList()));
      byRuntime.put(runtime, Autonomy.parse(runtime, value));
    });
    return byRuntime;
  }

  private static String squash(String name) {
    return name.toLowerCase().replace("_", "").replace("-", "");
  }

  /** The first API URL without a trailing slash: the one subagents get and the identity records. */
  public String apiBaseUrl() {
    return apiBaseUrls().getFirst();
  }

  /** Every API URL, in order, without trailing slashes. */
  public List<String> apiBaseUrls() {
    return apiUrl.stream().map(URI::toString).map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url).toList();
  }

  /** Leaves tokens out of logs. */
  @Override
  public String toString() {
    return "TaskWorkerProperties[apiUrl=%s, nodeName=%s, pools=%s, capabilities=%s, runtimes=%s, maxConcurrentSubagents=%d, dataDir=%s, secrets=%s]"
        .formatted(apiUrl, nodeName, pools, capabilities, runtimes, maxConcurrentSubagents, dataDir, secrets.keySet());
  }

  private static List<String> names(String key, List<String> values) {
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String value : values) {
      String name = value == null ? "" : value.strip();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "task-worker.%s has '%s': use letters, digits, '.', '_' or '-', starting with a letter or digit"
                .formatted(key, value));
      }
      unique.add(name);
    }
    return List.copyOf(unique);
  }

  private static Duration positive(String key, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "task-worker." + key + " must be a positive duration such as 10s; got " + value);
    }
    return value;
  }

  private static Path expandHome(Path path) {
    if (path.getNameCount() > 0 && path.getName(0).toString().equals("~") && !path.isAbsolute()) {
      Path home = Path.of(System.getProperty("user.home"));
      return path.getNameCount() == 1 ? home : home.resolve(path.subpath(1, path.getNameCount()));
    }
    return path.toAbsolutePath();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String hostName() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "worker-" + ProcessHandle.current().pid();
    }
  }
}
