package dev.workmesh.worker;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.client.MeshClient;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.core.MeshCore;
import dev.workmesh.testsupport.MeshTestEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real mesh-api, in-process on the test class's PostgreSQL database and Kafka topic prefix. Several
 * can run one after another on the same database (an outage and a restart).
 */
final class MeshApiServer implements AutoCloseable {

  static final String OPERATOR_TOKEN = "worker-test-operator-token-0123456789abcdef";

  private final ConfigurableApplicationContext context;
  private final String baseUrl;
  private final int port;

  private MeshApiServer(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    this.baseUrl = "http://localhost:" + port;
  }

  /** Starts mesh-api; {@code overrides} are mesh-api properties such as {@code mesh-api.lease=4s}. */
  static MeshApiServer start(MeshTestEnv env, Map<String, String> overrides) {
    Map<String, String> properties = new LinkedHashMap<>(env.springProperties());
    properties.put("server.port", "0");
    properties.put("mesh-api.operator-token", OPERATOR_TOKEN);
    properties.put("mesh-api.relay.poll-interval", "100ms");
    properties.put("mesh-api.retry.base", "100ms");
    properties.put("mesh-api.retry.cap", "500ms");
    properties.put("mesh-api.submit-rate.per-second", "10000");
    properties.put("mesh-api.submit-rate.burst", "10000");
    properties.putAll(overrides);
    List<String> args = new ArrayList<>();
    properties.forEach((k, v) -> args.add("--" + k + "=" + v));
    return new MeshApiServer(new SpringApplicationBuilder(MeshApiApplication.class).run(args.toArray(String[]::new)));
  }

  String url() {
    return baseUrl;
  }

  int port() {
    return port;
  }

  MeshClient operator() {
    return new MeshClient(baseUrl, OPERATOR_TOKEN);
  }

  /** mesh-core on the test database, for what another service (the watchdog) would do. */
  MeshCore core() {
    return context.getBean(MeshCore.class);
  }

  TaskView task(UUID id) {
    return operator().task(id);
  }

  @Override
  public void close() {
    context.close();
  }
}
