package dev.workmesh.devstack.faults;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.client.MeshClient;
import dev.workmesh.core.outbox.MeshTopics;
import dev.workmesh.mcp.McpServerApplication;
import dev.workmesh.scheduler.SchedulerApplication;
import dev.workmesh.testsupport.embedded.EmbeddedPostgresServer;
import dev.workmesh.watchdog.WatchdogApplication;
import dev.workmesh.worker.TaskWorker;
import dev.workmesh.worker.TaskWorkerApplication;
import dev.workmesh.worker.config.TaskWorkerProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole mesh in this JVM whose infrastructure a test can break: an embedded PostgreSQL 17 whose cluster
 * lives in a directory of the test (stopped and started again on the same directory and port: a real
 * restart), an embedded Kafka broker on a fixed port (stopped and replaced by a fresh one on the same port:
 * an outage in which every record in flight is lost), and the services as separate Spring contexts, as
 * {@code ./mesh dev} runs them ({@link dev.workmesh.devstack.DevStack}), each startable, stoppable and
 * restartable on its port, any number of replicas each. Workers are plain {@link TaskWorker}s (cheap), or a
 * child JVM a test can SIGKILL.
 *
 * <p>Settings are short so that faults resolve in seconds: a 3s claim lease, 1s heartbeats, a 2s re-dispatch,
 * a 200ms maintenance tick. They are passed as command-line arguments, which outrank the services' files.
 */
final class FaultStack implements AutoCloseable {

  static final String OPERATOR_TOKEN = "fault-suite-operator-token-0123456789abcdef";
  static final String DATABASE = "workmesh";

  private final Path dir;
  private final int postgresPort;
  private final int kafkaPort;
  private final List<Service> services = Collections.synchronizedList(new ArrayList<>());
  private final List<TaskWorker> workers = Collections.synchronizedList(new ArrayList<>());
  private volatile EmbeddedPostgresServer postgres;
  private final RestartableKafka kafka;
  private final FaultLedger.Scenario scenario;

  private FaultStack(Path dir, FaultLedger.Scenario scenario) {
    this.dir = dir;
    this.scenario = scenario;
    this.postgresPort = freePort();
    this.kafkaPort = freePort();
    this.kafka = new RestartableKafka(kafkaPort);
  }

  /** Starts PostgreSQL (creating the mesh database) and Kafka; services are started by the test. */
  static FaultStack start(Path dir, FaultLedger.Scenario scenario) {
    FaultStack stack = new FaultStack(dir, scenario);
    try {
      stack.startPostgres();
      stack.createDatabase();
      stack.startKafka();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  FaultLedger.Scenario scenario() {
    return scenario;
  }

  // --- infrastructure ---------------------------------------------------------------------------------

  synchronized void startPostgres() {
    if (postgres == null) {
      postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), postgresPort);
    }
  }

  /** Stops PostgreSQL ({@code pg_ctl stop}, fast mode: open connections are cut). */
  synchronized void stopPostgres() {
    if (postgres != null) {
      postgres.close();
      postgres = null;
      scenario.faultInjected("PostgreSQL stopped");
    }
  }

  void startKafka() {
    kafka.start();
  }

  /** Stops the broker; its log goes with it, so a restart is a fresh broker on the same port. */
  void stopKafka() {
    kafka.stop();
    scenario.faultInjected("Kafka broker stopped (replaced by a fresh one)");
  }

  /**
   * Creates the mesh's topics on the broker, as they were before it was replaced: what a broker that
   * restarts on its own log keeps. The test does it because this broker's log is temporary. mesh-api's
   * relay may have created some of them already, when it found them missing.
   */
  void recreateMeshTopics(int partitions) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      List<NewTopic> topics = java.util.Arrays.stream(MeshTopics.ALL)
          .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())).toList();
      for (var created : admin.createTopics(topics).values().values()) {
        try {
          created.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not create the mesh topics: " + e, e);
    }
  }

  String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE;
  }

  private void createDatabase() {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgresPort + "/postgres",
        EmbeddedPostgresServer.SUPERUSER, ""); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database: " + e.getMessage(), e);
    }
  }

  /** A connection to the mesh's database, for the test's own checks (read only, by convention). */
  Connection connection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), EmbeddedPostgresServer.SUPERUSER, "");
  }

  MeshDatabase database() {
    return new MeshDatabase(this::connection);
  }

  // --- services ---------------------------------------------------------------------------------------

  /** One service instance: a Spring context with its arguments, restartable on the same port. */
  final class Service implements AutoCloseable {
    final String name;
    private final Class<?> application;
    private final Map<String, Object> args;
    private final int port;
    private volatile ConfigurableApplicationContext context;

    private Service(String name, Class<?> application, Map<String, Object> args, int port) {
      this.name = name;
      this.application = application;
      this.args = args;
      this.port = port;
    }

    private Service start() {
      Map<String, Object> all = new LinkedHashMap<>(args);
      all.put("server.port", port);
      String[] argv = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      SpringApplicationBuilder builder = application == McpServerApplication.class
          ? McpServerApplication.builder(false) : new SpringApplicationBuilder(application);
      context = builder.logStartupInfo(false).registerShutdownHook(false).run(argv);
      return this;
    }

    int port() {
      return port;
    }

    String url() {
      return "http://localhost:" + port;
    }

    ConfigurableApplicationContext context() {
      return context;
    }

    <T> T bean(Class<T> type) {
      return context.getBean(type);
    }

    boolean running() {
      return context != null && context.isActive();
    }

    /** Stops the service (a clean shutdown, as a rolling restart does). */
    void stop() {
      ConfigurableApplicationContext c = context;
      context = null;
      if (c != null) {
        c.close();
      }
    }

    /** Stops the service and starts it again with the same arguments on the same port. */
    void restart() {
      stop();
      scenario.faultInjected(name + " restarted");
      start();
    }

    @Override
    public void close() {
      stop();
    }

    @Override
    public String toString() {
      return name + "@" + port;
    }
  }

  private Map<String, Object> common(String name) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.banner-mode", "off");
    props.put("spring.datasource.url", jdbcUrl());
    props.put("spring.datasource.username", EmbeddedPostgresServer.SUPERUSER);
    props.put("spring.datasource.password", "");
    // Fail fast while PostgreSQL is down, so a request answers 5xx instead of hanging for 30s.
    props.put("spring.datasource.hikari.connection-timeout", "2000");
    props.put("spring.datasource.hikari.validation-timeout", "1000");
    props.put("spring.kafka.bootstrap-servers", bootstrapServers());
    props.put("workmesh.kafka.topic-prefix", "");
    props.put("spring.jmx.enabled", "false");
    props.put("spring.config.name", "devstack-none");
    props.put("logging.level.root", "WARN");
    props.put("logging.level.dev.workmesh", "WARN");
    // Clients of a broker that is down (or was replaced) log a line per fetch: the suite's own figures say more.
    props.put("logging.level.org.apache.kafka", "ERROR");
    props.put("management.endpoint.health.show-details", "always");
    return props;
  }

  private Service register(String name, Class<?> application, Map<String, Object> args, int port) {
    Service service = new Service(name, application, args, port == 0 ? freePort() : port).start();
    services.add(service);
    return service;
  }

  Service startApi(String name, Map<String, Object> overrides) {
    Map<String, Object> args = common(name);
    args.put("mesh-api.operator-token", OPERATOR_TOKEN);
    args.put("mesh-api.lease", "3s");
    args.put("mesh-api.relay.poll-interval", "200ms");
    args.put("mesh-api.relay.send-timeout", "3s");
    args.put("mesh-api.retry.base", "100ms");
    args.put("mesh-api.retry.cap", "500ms");
    args.put("mesh-api.submit-rate.per-second", "100000");
    args.put("mesh-api.submit-rate.burst", "100000");
    args.put("mesh-api.kafka.partitions", "3");
    args.put("spring.datasource.hikari.maximum-pool-size", "20");
    args.putAll(overrides);
    return register(name, MeshApiApplication.class, args, 0);
  }

  Service startScheduler(String name, Map<String, Object> overrides) {
    Map<String, Object> args = common(name);
    args.put("scheduler-service.operator-token", OPERATOR_TOKEN);
    args.put("scheduler-service.jobs-file", dir.resolve("cron.toml").toString());
    args.put("scheduler-service.maintenance-interval", "200ms");
    args.put("scheduler-service.redispatch-after", "2s");
    args.put("scheduler-service.leader-lease-term", "4s");
    args.put("scheduler-service.leader-lease-margin", "1s");
    args.put("scheduler-service.replica-id", name);
    args.put("spring.datasource.hikari.maximum-pool-size", "5");
    args.putAll(overrides);
    return register(name, SchedulerApplication.class, args, 0);
  }

  Service startWatchdog(String name, Map<String, Object> overrides) {
    Map<String, Object> args = common(name);
    args.put("watchdog-service.heartbeat-interval", "1s");
    args.put("watchdog-service.sweep-interval", "200ms");
    args.put("watchdog-service.leader-lease-term", "4s");
    args.put("watchdog-service.leader-lease-margin", "1s");
    args.put("watchdog-service.metrics-refresh-interval", "1s");
    args.put("watchdog-service.replica-id", name);
    args.put("spring.datasource.hikari.maximum-pool-size", "4");
    args.putAll(overrides);
    return register(name, WatchdogApplication.class, args, 0);
  }

  Service startMcp(String name, String apiUrl) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("spring.main.banner-mode", "off");
    args.put("spring.jmx.enabled", "false");
    args.put("logging.level.root", "WARN");
    args.put("mcp-server.api-url", apiUrl);
    args.put("mcp-server.max-wait", "10s");
    args.put("mcp-server.token-cache-ttl", "0s");
    return register(name, McpServerApplication.class, args, 0);
  }

  /** The usual control plane: one mesh-api, one scheduler, one watchdog. */
  Service startControlPlane() {
    Service api = startApi("mesh-api", Map.of());
    startScheduler("scheduler-service", Map.of());
    startWatchdog("watchdog-service", Map.of());
    return api;
  }

  // --- workers ----------------------------------------------------------------------------------------

  /** Worker settings ({@code task-worker.*} keys without the prefix): 1s heartbeats and pulls, short graces. */
  Map<String, Object> workerSettings(String apiUrl, String name, String pool, int slots) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("api-url", apiUrl);
    keys.put("enrolment-token", OPERATOR_TOKEN);
    keys.put("node-name", name);
    keys.put("pools", pool);
    keys.put("data-dir", dir.resolve("workers").resolve(name).toString());
    keys.put("max-concurrent-subagents", String.valueOf(slots));
    keys.put("agent-heartbeat-interval", "1s");
    keys.put("attempt-heartbeat-interval", "1s");
    keys.put("idle-pull-interval", "1s");
    keys.put("spool-resend-interval", "500ms");
    keys.put("kill-grace", "1s");
    keys.put("shutdown-grace", "5s");
    keys.put("api-timeout", "10s");
    keys.put("runtimes", "exec,bash,fake");
    keys.put("topic-prefix", "");
    return keys;
  }

  /** Starts an in-process worker and waits until it claims work. */
  TaskWorker startWorker(Map<String, Object> keys) {
    Map<String, Object> prefixed = new LinkedHashMap<>();
    keys.forEach((k, v) -> prefixed.put("task-worker." + k, v));
    TaskWorkerProperties properties = new Binder(new MapConfigurationPropertySource(prefixed))
        .bind("task-worker", Bindable.of(TaskWorkerProperties.class)).get();
    TaskWorker worker = new TaskWorker(properties, Map.of("bootstrap.servers", bootstrapServers()),
        new SimpleMeterRegistry());
    workers.add(worker);
    try {
      worker.start().get(90, TimeUnit.SECONDS);
      return worker;
    } catch (Exception e) {
      throw new IllegalStateException("worker " + keys.get("node-name") + " did not start", e);
    }
  }

  TaskWorker startWorker(String apiUrl, String name, String pool, int slots) {
    return startWorker(workerSettings(apiUrl, name, pool, slots));
  }

  /**
   * The worker application in a JVM of its own, as an operator runs it (a test can SIGKILL it): enrols with
   * the operator token on first start, keeps its identity in {@code dataDir}, logs to {@code log}.
   */
  Process startChildWorker(String apiUrl, String name, String pool, int slots, Path dataDir, Path log) throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("server.port", "0");
    keys.put("spring.main.banner-mode", "off");
    keys.put("spring.kafka.bootstrap-servers", bootstrapServers());
    keys.put("workmesh.kafka.topic-prefix", "");
    keys.put("task-worker.api-url", apiUrl);
    keys.put("task-worker.enrolment-token", OPERATOR_TOKEN);
    keys.put("task-worker.node-name", name);
    keys.put("task-worker.pools", pool);
    keys.put("task-worker.data-dir", dataDir.toString());
    keys.put("task-worker.max-concurrent-subagents", String.valueOf(slots));
    keys.put("task-worker.agent-heartbeat-interval", "1s");
    keys.put("task-worker.attempt-heartbeat-interval", "1s");
    keys.put("task-worker.idle-pull-interval", "1s");
    keys.put("task-worker.spool-resend-interval", "500ms");
    keys.put("logging.level.org.apache.kafka", "ERROR");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), TaskWorkerApplication.class.getName()));
    keys.forEach((k, v) -> command.add("--" + k + "=" + v));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * mesh-api in a JVM of its own (given {@code jvmOptions}), with the settings {@link #startApi} gives and {@code overrides}, listening on
   * {@code port}; logs to {@code log}. A test that opens thousands of connections needs the server's file
   * descriptors counted apart from its own.
   */
  Process startChildApi(int port, List<String> jvmOptions, Map<String, Object> overrides, Path log)
      throws IOException {
    Map<String, Object> args = common("mesh-api");
    args.put("mesh-api.operator-token", OPERATOR_TOKEN);
    args.put("mesh-api.lease", "3s");
    args.put("spring.datasource.hikari.maximum-pool-size", "20");
    args.put("server.port", port);
    args.putAll(overrides);
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "-Xshare:auto", "-Xlog:gc:file=" + log.resolveSibling("mesh-api-gc.log")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MeshApiApplication.class.getName()));
    args.forEach((k, v) -> command.add("--" + k + "=" + v));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  Path dir() {
    return dir;
  }

  static MeshClient operator(String apiUrl) {
    return new MeshClient(apiUrl, OPERATOR_TOKEN, Duration.ofSeconds(20));
  }

  // --- health -----------------------------------------------------------------------------------------

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The HTTP status of {@code /actuator/health}; -1 when the service does not answer. */
  static int health(String baseUrl) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
          .timeout(Duration.ofSeconds(8)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static String healthBody(String baseUrl) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
          .timeout(Duration.ofSeconds(8)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "unreachable: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("localhost", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeFile(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Workers first (they report to the API), then the services in reverse order, then Kafka and PostgreSQL. */
  @Override
  public void close() {
    // Each worker stops on a platform thread of its own, side by side, not on the common fork-join pool: that
    // has one thread on a two-core machine, and a stop holds its thread until the worker's last calls end.
    List<Thread> stopping = new ArrayList<>();
    for (TaskWorker w : new ArrayList<>(workers)) {
      stopping.add(Thread.ofPlatform().name("stop-worker").start(() -> {
        try {
          w.stop();
        } catch (RuntimeException e) {
          System.err.println("while stopping a worker: " + e);
        }
      }));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Service> ss = new ArrayList<>(services);
    Collections.reverse(ss);
    for (Service s : ss) {
      try {
        s.stop();
      } catch (RuntimeException e) {
        System.err.println("while stopping " + s + ": " + e);
      }
    }
    try {
      kafka.close();
    } catch (RuntimeException e) {
      System.err.println("while stopping Kafka: " + e);
    }
    try {
      if (postgres != null) {
        postgres.close();
      }
    } catch (RuntimeException e) {
      System.err.println("while stopping PostgreSQL: " + e);
    }
  }
}
