package dev.workmesh.devstack;

import dev.workmesh.testsupport.embedded.BindAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code ./mesh dev}. Ports are fixed by default so that URLs stay the same across restarts;
 * each can be changed by a flag or an environment variable.
 *
 * @param dataDir where state lives (default ~/.workmesh/dev; env MESH_DEV_DIR)
 * @param fresh wipe the data dir before starting
 * @param apiPort mesh-api (default 8080; env MESH_API_PORT)
 * @param mcpPort mcp-server over Streamable HTTP (default 8082; env MESH_MCP_PORT)
 * @param workerPort the worker's actuator (default 8081)
 * @param schedulerPort scheduler-service (default 8083)
 * @param watchdogPort watchdog-service (default 8084)
 * @param postgresPort embedded PostgreSQL (default 15432; env MESH_PG_PORT)
 * @param kafkaPort embedded Kafka (default 19092; env MESH_KAFKA_PORT)
 * @param bind the address every port listens on (default 127.0.0.1, loopback only; env MESH_BIND)
 */
public record DevOptions(Path dataDir, boolean fresh, int apiPort, int mcpPort, int workerPort, int schedulerPort,
    int watchdogPort, int postgresPort, int kafkaPort, BindAddress bind) {

  public static final String USAGE = """
      usage: ./mesh dev [--data-dir DIR] [--fresh] [--api-port N] [--mcp-port N] [--worker-port N]
                        [--scheduler-port N] [--watchdog-port N] [--postgres-port N] [--kafka-port N]
                        [--bind ADDR]

        Starts the whole mesh in one process: embedded PostgreSQL 17 and Kafka, mesh-api,
        scheduler-service, watchdog-service, mcp-server (HTTP) and one task-worker.
        State is kept in the data dir (default ~/.workmesh/dev); --fresh wipes it first.
        Port 0 picks a free port. Every port listens on loopback (127.0.0.1) only, unless
        --bind gives another address (0.0.0.0: every interface; the tokens are then all that
        stands between the network and the bash runtime).""";

  /** Parses flags; throws {@link IllegalArgumentException} with what to fix. */
  public static DevOptions parse(List<String> args) {
    Path dataDir = Path.of(env("MESH_DEV_DIR", System.getProperty("user.home") + "/.workmesh/dev"));
    boolean fresh = false;
    int api = intEnv("MESH_API_PORT", 8080);
    int mcp = intEnv("MESH_MCP_PORT", 8082);
    int worker = intEnv("MESH_WORKER_PORT", 8081);
    int scheduler = intEnv("MESH_SCHEDULER_PORT", 8083);
    int watchdog = intEnv("MESH_WATCHDOG_PORT", 8084);
    int postgres = intEnv("MESH_PG_PORT", 15432);
    int kafka = intEnv("MESH_KAFKA_PORT", 19092);
    BindAddress bind = BindAddress.parse(env("MESH_BIND", "127.0.0.1"));
    List<String> rest = new ArrayList<>(args);
    while (!rest.isEmpty()) {
      String flag = rest.removeFirst();
      switch (flag) {
        case "--fresh" -> fresh = true;
        case "--data-dir" -> dataDir = Path.of(value(flag, rest));
        case "--api-port" -> api = port(flag, value(flag, rest));
        case "--mcp-port" -> mcp = port(flag, value(flag, rest));
        case "--worker-port" -> worker = port(flag, value(flag, rest));
        case "--scheduler-port" -> scheduler = port(flag, value(flag, rest));
        case "--watchdog-port" -> watchdog = port(flag, value(flag, rest));
        case "--postgres-port" -> postgres = port(flag, value(flag, rest));
        case "--kafka-port" -> kafka = port(flag, value(flag, rest));
        case "--bind" -> bind = BindAddress.parse(value(flag, rest));
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    return new DevOptions(dataDir.toAbsolutePath(), fresh, api, mcp, worker, scheduler, watchdog, postgres, kafka,
        bind);
  }

  private static String value(String flag, List<String> rest) {
    if (rest.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return rest.removeFirst();
  }

  private static int port(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(flag + " takes a port number from 0 to 65535, got '" + value + "'");
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static int intEnv(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : port(name, v);
  }
}
