package dev.workmesh.devstack;

import dev.workmesh.testsupport.embedded.EmbeddedKafkaServer;
import dev.workmesh.testsupport.embedded.EmbeddedPostgresServer;
import dev.workmesh.worker.TaskWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole mesh in one JVM: embedded PostgreSQL 17 (its cluster in the data dir, so state survives
 * restarts), an embedded Kafka broker with share groups on (its log is temporary: records are hints, and
 * the database is the truth), and every service as its own Spring context on its own port.
 */
public final class DevStack implements AutoCloseable {

  static final String DATABASE = "workmesh";

  private final DevOptions options;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final Map<String, ConfigurableApplicationContext> services =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private DataDirLock dataDirLock;
  private EmbeddedPostgresServer postgres;
  private EmbeddedKafkaServer kafka;
  private String operatorToken;

  public DevStack(DevOptions options) {
    this.options = options;
  }

  /** Starts everything and returns once every service is up. */
  public DevStack start(Progress progress) {
    // Taken before anything else, so that a refused second mesh changes nothing (a fresh start included).
    dataDirLock = DataDirLock.acquire(options.dataDir());
    try {
      prepareDataDir();
      writeSampleJobs();
      operatorToken = operatorToken();
      progress.step("PostgreSQL 17");
      postgres = EmbeddedPostgresServer.start(options.dataDir().resolve("postgres"), options.bind(),
          options.postgresPort());
      started.add(postgres);
      createDatabase();
      progress.step("Kafka");
      kafka = EmbeddedKafkaServer.start(options.bind(), options.kafkaPort());
      started.add(kafka);
      for (ServiceSpec service : ServiceSpec.all()) {
        progress.step(service.name());
        Map<String, Object> props = new LinkedHashMap<>(common(service));
        props.putAll(service.properties(this));
        props.put("spring.config.name", service.configName());
        // As command-line arguments: they outrank the service's own configuration file.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(service.application())
            .logStartupInfo(false)
            .registerShutdownHook(false)
            .run(args);
        services.put(service.name(), context);
      }
      writeDevEnv();
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Map<String, Object> common(ServiceSpec service) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.banner-mode", "off");
    props.put("server.address", options.bind().listenHost());
    props.put("spring.datasource.url", postgres.jdbcUrl(DATABASE));
    props.put("spring.datasource.username", EmbeddedPostgresServer.SUPERUSER);
    props.put("spring.datasource.password", "");
    // PostgreSQL is local: a request waits at most 3 s for a connection, so when the database is gone a
    // stop does not wait on requests queued for one (the web server's graceful phase waits for them).
    props.put("spring.datasource.hikari.connection-timeout", "3000");
    props.put("spring.datasource.hikari.data-source-properties.connectTimeout", "2");
    props.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
    props.put("workmesh.kafka.topic-prefix", "");
    props.put("spring.jmx.enabled", "false");
    props.put("logging.level.root", "WARN");
    props.put("logging.level.dev.workmesh", "INFO");
    return props;
  }

  private void prepareDataDir() {
    Path dir = options.dataDir();
    try {
      if (options.fresh() && Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
            if (!p.equals(dir) && !DataDirLock.isLockFile(dir, p)) {
              Files.delete(p);
            }
          }
        }
      }
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the data dir " + dir + ": " + e.getMessage()
          + " (choose another with --data-dir)", e);
    }
  }

  /** A jobs file to start from, written once; the scheduler watches it, so edits apply without a restart. */
  private void writeSampleJobs() {
    Path file = options.dataDir().resolve("cron.toml");
    if (Files.exists(file)) {
      return;
    }
    try (var in = DevStack.class.getResourceAsStream("/devstack-cron.toml")) {
      Files.write(file, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The operator token: generated on first start and kept in the data dir, so restarts keep it. */
  private String operatorToken() {
    Path file = options.dataDir().resolve("operator-token");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      String token = "wm_op_" + HexFormat.of().formatHex(bytes);
      writePrivate(file, token + "\n");
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the operator token in " + file, e);
    }
  }

  private void createDatabase() {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER, "");
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  private void writeDevEnv() {
    String env = "# Written by ./mesh dev; source it to talk to the dev mesh from other shells.\n"
        + "export MESH_API_URL=" + apiUrl() + "\n"
        + "export MESH_MCP_URL=" + mcpUrl() + "\n"
        + "export MESH_OPERATOR_TOKEN=" + operatorToken + "\n"
        + "export MESH_SCHEDULER_URL=" + url("scheduler-service") + "\n"
        + "export MESH_KAFKA_BOOTSTRAP=" + kafka.bootstrapServers() + "\n";
    try {
      writePrivate(devEnvFile(), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + devEnvFile(), e);
    }
  }

  static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  int port(String service) {
    return Integer.parseInt(services.get(service).getEnvironment().getProperty("local.server.port"));
  }

  private String url(String service) {
    return "http://" + options.bind().connectHost() + ":" + port(service);
  }

  public String apiUrl() {
    return url("mesh-api");
  }

  public String mcpUrl() {
    return url("mcp-server") + "/mcp";
  }

  /**
   * Where the dashboard's Schedules page reaches scheduler-service. mesh-api starts before it, so this is
   * known only for a fixed port (as it always is, unless a test asks for any free port): empty otherwise.
   */
  String dashboardSchedulerUrl() {
    int port = options.schedulerPort();
    return port == 0 ? "" : "http://" + options.bind().connectHost() + ":" + port;
  }

  /**
   * The dashboard's origins, which scheduler-service lets call it from a browser: the API URL, and for a
   * local bind also its {@code 127.0.0.1} spelling, since a browser tells the two apart.
   */
  String dashboardOrigins() {
    String origin = apiUrl();
    return options.bind().connectHost().equals("localhost")
        ? origin + "," + origin.replace("://localhost:", "://127.0.0.1:")
        : origin;
  }

  int postgresPort() {
    return postgres.port();
  }

  ConfigurableApplicationContext service(String name) {
    return services.get(name);
  }

  long postgresPid() {
    return postgres.postmasterPid();
  }

  public String operatorTokenValue() {
    return operatorToken;
  }

  public Path devEnvFile() {
    return options.dataDir().resolve("dev.env");
  }

  DevOptions options() {
    return options;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * What a stop will wait for, to tell the person waiting: the worker's running attempts and how long they
   * may take (its shutdown grace); empty when nothing runs.
   */
  public Optional<String> stopWaitsFor() {
    ConfigurableApplicationContext context = services.get("task-worker");
    if (context == null || !context.isActive()) {
      return Optional.empty();
    }
    TaskWorker worker = context.getBean(TaskWorker.class);
    int running = worker.runningAttempts();
    return running == 0 ? Optional.empty() : Optional.of("Waiting up to " + worker.properties().shutdownGrace()
        .toSeconds() + " s (task-worker.shutdown-grace) for " + running + " running attempt(s) to finish;"
        + " press Ctrl-C again to stop them now and release their tasks.");
  }

  /** Cuts the worker's shutdown grace short: its running attempts are stopped now and their tasks released. */
  public void endShutdownGrace() {
    ConfigurableApplicationContext context = services.get("task-worker");
    if (context != null) {
      context.getBean(TaskWorker.class).endShutdownGrace();
    }
  }

  /** Stops the services in reverse order, then Kafka, then PostgreSQL. Safe to call more than once. */
  @Override
  public synchronized void close() {
    List<ConfigurableApplicationContext> contexts = new ArrayList<>(services.values());
    Collections.reverse(contexts);
    for (ConfigurableApplicationContext context : contexts) {
      try {
        context.close();
      } catch (RuntimeException e) {
        System.err.println("while stopping " + context.getId() + ": " + e);
      }
    }
    services.clear();
    List<AutoCloseable> infra = new ArrayList<>(started);
    Collections.reverse(infra);
    for (AutoCloseable c : infra) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("while stopping " + c + ": " + e);
      }
    }
    started.clear();
    if (dataDirLock != null) {
      dataDirLock.close();
      dataDirLock = null;
    }
  }

  /** Reports start-up steps to the person waiting. */
  public interface Progress {
    void step(String what);

    static Progress silent() {
      return what -> { };
    }
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
