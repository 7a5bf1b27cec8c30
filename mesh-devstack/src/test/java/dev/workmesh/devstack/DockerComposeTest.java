package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so docker-compose.yml is checked against the code instead: every service
 * builds a module that exists and produces the runnable jar the Dockerfile copies, every environment
 * variable is one that service's configuration file reads, and every port, health check and dependency
 * lines up. The compose file cannot rot silently.
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Map<String, String> CONFIG_FILES = Map.of(
      "mesh-api", "mesh-api/src/main/resources/application.yml",
      "scheduler-service", "scheduler-service/src/main/resources/application.yml",
      "watchdog-service", "watchdog-service/src/main/resources/application.yml",
      "mcp-server", "mcp-server/src/main/resources/mcp-server.yml",
      "task-worker", "task-worker/src/main/resources/task-worker.yml");
  /** The variable of each service that sets its HTTP port. */
  private static final Map<String, String> PORT_VARIABLES = Map.of(
      "mesh-api", "MESH_API_PORT", "scheduler-service", "MESH_SCHEDULER_PORT", "watchdog-service",
      "MESH_WATCHDOG_PORT", "mcp-server", "MESH_MCP_PORT", "task-worker", "MESH_WORKER_PORT");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    return (Map<String, Object>) compose.get("services");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceOfTheDesignIsBuiltFromItsModuleWithARunnableJar() throws IOException {
    Map<String, Object> services = services();
    assertThat(services).containsKeys("postgres", "kafka", "mesh-api", "scheduler-service", "watchdog-service",
        "mcp-server", "task-worker");
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains("${SERVICE}\"/target/\"${SERVICE}\"-*-exec.jar").contains("eclipse-temurin:21-jre");
    for (String name : CONFIG_FILES.keySet()) {
      Map<String, Object> service = (Map<String, Object>) services.get(name);
      Map<String, Object> build = (Map<String, Object>) service.get("build");
      assertThat(build.get("context")).isEqualTo(".");
      assertThat(((Map<String, Object>) build.get("args")).get("SERVICE")).as(name).isEqualTo(name);
      String pom = Files.readString(ROOT.resolve(name).resolve("pom.xml"));
      assertThat(pom).as(name + " builds an exec jar").contains("<classifier>exec</classifier>");
      assertThat(service).as(name + " has a health check").containsKey("healthcheck");
    }
    assertThat((Map<String, Object>) services.get("task-worker")).as("a worker scales: no fixed host port")
        .doesNotContainKey("ports").doesNotContainKey("container_name");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyEnvironmentVariableIsOneTheServiceReads() throws IOException {
    List<String> unknown = new ArrayList<>();
    for (var entry : CONFIG_FILES.entrySet()) {
      String config = Files.readString(ROOT.resolve(entry.getValue()));
      Map<String, Object> service = (Map<String, Object>) services().get(entry.getKey());
      Map<String, Object> env = (Map<String, Object>) service.get("environment");
      assertThat(env).as(entry.getKey()).isNotEmpty();
      for (String variable : env.keySet()) {
        if (!config.contains("${" + variable + ":")) {
          unknown.add(entry.getKey() + ": " + variable + " is not read by " + entry.getValue());
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void portsHealthChecksAndDependenciesLineUp() throws IOException {
    Map<String, Object> services = services();
    Pattern healthPort = Pattern.compile("localhost:(\\d+)/actuator/health");
    for (var entry : PORT_VARIABLES.entrySet()) {
      Map<String, Object> service = (Map<String, Object>) services.get(entry.getKey());
      Map<String, Object> env = (Map<String, Object>) service.get("environment");
      String port = String.valueOf(env.get(entry.getValue()));
      assertThat(port).as(entry.getKey() + " sets " + entry.getValue()).matches("\\d+");
      String test = String.join(" ", (List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test"));
      Matcher m = healthPort.matcher(test);
      assertThat(m.find()).as(entry.getKey() + " health check").isTrue();
      assertThat(m.group(1)).as(entry.getKey() + " health check port").isEqualTo(port);
      List<String> ports = (List<String>) service.get("ports");
      if (ports != null) {
        assertThat(ports).as(entry.getKey()).allSatisfy(p -> assertThat(p).endsWith(":" + port));
      }
      Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
      assertThat(dependsOn).as(entry.getKey() + " waits for what it needs").isNotEmpty();
      for (String dependency : dependsOn.keySet()) {
        assertThat(services).containsKey(dependency);
        assertThat((Map<String, Object>) services.get(dependency)).as(dependency + " can be waited on")
            .containsKey("healthcheck");
      }
    }
    Map<String, Object> kafkaEnv = (Map<String, Object>) ((Map<String, Object>) services.get("kafka")).get("environment");
    assertThat(kafkaEnv).as("share groups need their state topic on one broker")
        .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", 1)
        .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", 1);
    assertThat(((Map<String, Object>) services.get("kafka")).get("image")).isEqualTo("apache/kafka:4.2.1");
    assertThat(((Map<String, Object>) services.get("postgres")).get("image")).isEqualTo("postgres:17");
  }
}
