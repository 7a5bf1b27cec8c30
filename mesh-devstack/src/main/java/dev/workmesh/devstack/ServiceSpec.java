package dev.workmesh.devstack;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.mcp.McpServerApplication;
import dev.workmesh.scheduler.SchedulerApplication;
import dev.workmesh.watchdog.WatchdogApplication;
import dev.workmesh.worker.TaskWorkerApplication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One service of the dev stack: its application class, the name of its own configuration file (none for
 * services whose behaviour defaults travel in a {@code @PropertySource}, so that no other service's
 * {@code application.yml} on the shared classpath is picked up), and the properties it gets there.
 */
record ServiceSpec(String name, Class<?> application, String configName,
    Function<DevStack, Map<String, Object>> props) {

  Map<String, Object> properties(DevStack stack) {
    return props.apply(stack);
  }

  /** In start order: the API first (it migrates the schema and creates the topics), the worker last. */
  static List<ServiceSpec> all() {
    return List.of(
        new ServiceSpec("mesh-api", MeshApiApplication.class, "devstack-none", s -> map(
            "server.port", s.options().apiPort(),
            "mesh-api.operator-token", s.operatorTokenValue(),
            "mesh-api.dashboard.scheduler-url", s.dashboardSchedulerUrl())),
        new ServiceSpec("scheduler-service", SchedulerApplication.class, "devstack-none", s -> map(
            "server.port", s.options().schedulerPort(),
            "scheduler-service.operator-token", s.operatorTokenValue(),
            "scheduler-service.cors.allowed-origins", s.dashboardOrigins(),
            "scheduler-service.jobs-file", s.options().dataDir().resolve("cron.toml").toString())),
        new ServiceSpec("watchdog-service", WatchdogApplication.class, "devstack-none", s -> map(
            "server.port", s.options().watchdogPort())),
        new ServiceSpec("mcp-server", McpServerApplication.class, "mcp-server", s -> map(
            "server.port", s.options().mcpPort(),
            "mcp-server.api-url", s.apiUrl())),
        new ServiceSpec("task-worker", TaskWorkerApplication.class, "task-worker", s -> map(
            "server.port", s.options().workerPort(),
            "task-worker.api-url", s.apiUrl(),
            "task-worker.enrolment-token", s.operatorTokenValue(),
            "task-worker.node-name", "dev-worker",
            "task-worker.data-dir", s.options().dataDir().resolve("worker").toString())));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
