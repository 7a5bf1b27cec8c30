package dev.workmesh.devstack;

import dev.workmesh.testsupport.embedded.BindAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import sun.misc.Signal;

/**
 * {@code ./mesh dev}: the whole mesh in one process. Ports are fixed by default so that URLs stay the same
 * across restarts; each can be changed by a flag or an environment variable.
 */
@Command(name = "dev", description = {
    "start the whole mesh on this machine",
    "",
    "Starts the whole mesh in one process: embedded PostgreSQL 17 and Kafka,",
    "mesh-api, scheduler-service, watchdog-service, mcp-server (HTTP) and one",
    "task-worker. State is kept in the data dir; --fresh wipes it first. Port 0",
    "picks a free port. Every port listens on loopback (127.0.0.1) only, unless",
    "--bind gives another address (0.0.0.0: every interface; the tokens are then",
    "all that stands between the network and the bash runtime)."})
public final class DevCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:MESH_DEV_DIR:-${sys:user.home}/.workmesh/dev}",
      description = "where state lives (env MESH_DEV_DIR; default ~/.workmesh/dev)")
  Path dataDir;

  @Option(names = "--fresh", description = "wipe the data dir first")
  boolean fresh;

  @Option(names = "--api-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_API_PORT:-8080}", description = "mesh-api (env MESH_API_PORT; default 8080)")
  int apiPort;

  @Option(names = "--mcp-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_MCP_PORT:-8082}", description = "mcp-server (env MESH_MCP_PORT; default 8082)")
  int mcpPort;

  @Option(names = "--worker-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_WORKER_PORT:-8081}", description = "the worker's actuator (default 8081)")
  int workerPort;

  @Option(names = "--scheduler-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_SCHEDULER_PORT:-8083}", description = "scheduler-service (default 8083)")
  int schedulerPort;

  @Option(names = "--watchdog-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_WATCHDOG_PORT:-8084}", description = "watchdog-service (default 8084)")
  int watchdogPort;

  @Option(names = "--postgres-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_PG_PORT:-15432}", description = "embedded PostgreSQL (env MESH_PG_PORT; default 15432)")
  int postgresPort;

  @Option(names = "--kafka-port", paramLabel = "N", converter = PortNumber.class,
      defaultValue = "${env:MESH_KAFKA_PORT:-19092}", description = "embedded Kafka (env MESH_KAFKA_PORT; default 19092)")
  int kafkaPort;

  @Option(names = "--bind", paramLabel = "ADDR", converter = Address.class, defaultValue = "${env:MESH_BIND:-127.0.0.1}",
      description = "the address every port listens on (env MESH_BIND; default 127.0.0.1)")
  BindAddress bind;

  /** The options of a {@code ./mesh dev} command line; a wrong one throws picocli's ParameterException. */
  public static DevOptions parse(List<String> args) {
    return CommandLine.populateCommand(new DevCommand(), args.toArray(String[]::new)).options();
  }

  DevOptions options() {
    return new DevOptions(dataDir.toAbsolutePath(), fresh, apiPort, mcpPort, workerPort, schedulerPort, watchdogPort,
        postgresPort, kafkaPort, bind);
  }

  @Override
  public Integer call() throws InterruptedException {
    DevOptions options = options();
    long start = System.nanoTime();
    System.out.println("Starting the Workmesh dev stack in " + options.dataDir());
    DevStack stack;
    try {
      stack = new DevStack(options).start(what -> System.out.println("  starting " + what + " ..."));
    } catch (DataDirInUseException e) {
      System.err.println("\nThe dev stack did not start: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.err.println("\nThe dev stack could not start: " + rootMessage(e));
      System.err.println("If a port is taken, pick others (./mesh dev --help); to start over, add --fresh.");
      return 1;
    }
    // Ctrl-C and SIGTERM stop the stack in order (services, then Kafka, then PostgreSQL) before the JVM
    // begins to exit; relying on shutdown hooks alone would race the servers' own hooks.
    // A second Ctrl-C ends the worker's shutdown grace: its running attempts stop now and their tasks go back.
    CountDownLatch stopRequested = new CountDownLatch(1);
    AtomicInteger signals = new AtomicInteger();
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), s -> {
        if (signals.incrementAndGet() == 1) {
          stopRequested.countDown();
        } else {
          System.out.println("Stopping now: running attempts are stopped and their tasks released ...");
          stack.endShutdownGrace();
        }
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "mesh-dev-stop"));
    System.out.println(Banner.text(stack, DevStack.since(start)));
    stopRequested.await();
    System.out.println("\nStopping the dev stack ...");
    stack.stopWaitsFor().ifPresent(System.out::println);
    stack.close();
    System.out.println("Stopped. State is kept in " + options.dataDir());
    return 0;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t.getMessage() + ")";
  }

  static final class PortNumber implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int port = Integer.parseInt(value.strip());
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw new TypeConversionException("expects a port number from 0 to 65535");
    }
  }

  static final class Address implements ITypeConverter<BindAddress> {
    @Override
    public BindAddress convert(String value) {
      try {
        return BindAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expects an IP address such as 127.0.0.1 (loopback, the default), 0.0.0.0"
            + " (every interface) or one interface's address");
      }
    }
  }
}
