package dev.workmesh.worker;

import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.testsupport.MeshTestEnv;
import dev.workmesh.worker.config.TaskWorkerProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Task workers for tests: plain {@link TaskWorker} objects, several per JVM, configured with the same
 * keys an operator writes (bound by Spring's binder), with short intervals.
 */
final class TestWorkers implements AutoCloseable {

  private final MeshTestEnv env;
  private final List<TaskWorker> started = new ArrayList<>();

  TestWorkers(MeshTestEnv env) {
    this.env = env;
  }

  /** Binds {@code task-worker.*} keys (given without the prefix) the way the application does. */
  static TaskWorkerProperties bind(Map<String, ?> keys) {
    Map<String, Object> prefixed = new LinkedHashMap<>();
    keys.forEach((k, v) -> prefixed.put("task-worker." + k, v));
    return new Binder(new MapConfigurationPropertySource(prefixed))
        .bind("task-worker", Bindable.of(TaskWorkerProperties.class))
        .get();
  }

  /** Test settings: short heartbeats, pulls and graces; enrolment with the operator token. */
  Map<String, Object> settings(String apiUrl, String name, String pool, Path dataDir) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("api-url", apiUrl);
    keys.put("enrolment-token", MeshApiServer.OPERATOR_TOKEN);
    keys.put("node-name", name);
    keys.put("pools", pool);
    keys.put("data-dir", dataDir.toString());
    keys.put("max-concurrent-subagents", "3");
    keys.put("agent-heartbeat-interval", "2s");
    keys.put("attempt-heartbeat-interval", "1s");
    keys.put("idle-pull-interval", "3s");
    keys.put("spool-resend-interval", "1s");
    keys.put("kill-grace", "1s");
    keys.put("shutdown-grace", "5s");
    keys.put("topic-prefix", env.kafka().topicPrefix());
    return keys;
  }

  /** Starts a worker and waits until it claims work. */
  TaskWorker start(Map<String, Object> keys) {
    return start(keys, new SimpleMeterRegistry());
  }

  /** Starts a worker whose meters go to {@code registry} and waits until it claims work. */
  TaskWorker start(Map<String, Object> keys, io.micrometer.core.instrument.MeterRegistry registry) {
    TaskWorker worker =
        new TaskWorker(bind(keys), Map.of("bootstrap.servers", env.kafka().bootstrapServers()), registry);
    started.add(worker);
    try {
      worker.start().get(60, TimeUnit.SECONDS);
      return worker;
    } catch (Exception e) {
      throw new IllegalStateException("worker " + keys.get("node-name") + " did not start", e);
    }
  }

  /** A first_claim task of {@code pool} that runs {@code command} with the bash runtime. */
  static TaskRequest bashTask(String title, String pool, String command) {
    return new TaskRequest(title, "", null, null, pool, null, null, "bash",
        MeshClient.JSON.readTree("{\"command\": " + MeshClient.JSON.writeValueAsString(command) + "}"), null, null,
        null, null, null, null);
  }

  static Duration patience() {
    return Duration.ofSeconds(60);
  }

  @Override
  public void close() {
    started.forEach(TaskWorker::stop);
  }
}
