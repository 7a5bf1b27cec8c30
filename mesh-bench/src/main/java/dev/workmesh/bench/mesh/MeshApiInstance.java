package dev.workmesh.bench.mesh;

import dev.workmesh.api.MeshApiApplication;
import dev.workmesh.client.MeshClient;
import dev.workmesh.testsupport.TestDatabase;
import dev.workmesh.testsupport.TestKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real mesh-api, started in this JVM on one scenario's database and topic prefix, on a free port.
 *
 * <p>Settings are passed as command-line arguments, so they override mesh-api's own application.yml
 * (whose deployment settings, such as its 20-connection pool, otherwise apply as in production);
 * behaviour defaults come from mesh-api's {@code @PropertySource}. Only the submit rate limit is lifted
 * (it would otherwise be the bottleneck by design), and logging is kept quiet.
 */
final class MeshApiInstance implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  private final String url;
  private final String operatorToken;

  private MeshApiInstance(ConfigurableApplicationContext context, String operatorToken) {
    this.context = context;
    this.operatorToken = operatorToken;
    this.url = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
  }

  static MeshApiInstance start(TestDatabase database, TestKafka kafka, Map<String, String> overrides) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    return start(database, kafka, "bench-operator-" + HexFormat.of().formatHex(secret), overrides);
  }

  /** Another replica of a mesh: the same database, topic prefix and operator token. */
  static MeshApiInstance start(TestDatabase database, TestKafka kafka, String token, Map<String, String> overrides) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put("spring.datasource.url", database.jdbcUrl());
    properties.put("spring.datasource.username", database.username());
    properties.put("spring.datasource.password", database.password());
    properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
    properties.put("mesh-api.kafka.topic-prefix", kafka.topicPrefix());
    properties.put("mesh-api.operator-token", token);
    properties.put("mesh-api.submit-rate.per-second", "1000000");
    properties.put("mesh-api.submit-rate.burst", "1000000");
    properties.put("spring.main.banner-mode", "off");
    properties.put("spring.main.log-startup-info", "false");
    properties.putAll(overrides);
    List<String> args = new ArrayList<>();
    properties.forEach((k, v) -> args.add("--" + k + "=" + v));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(MeshApiApplication.class).run(args.toArray(String[]::new));
    return new MeshApiInstance(context, token);
  }

  String url() {
    return url;
  }

  String operatorToken() {
    return operatorToken;
  }

  /**
   * What this replica served, from its own meters: tasks submitted, claims won and attempts reported
   * through it (mesh-api counts them per request it handles).
   */
  Map<String, Long> served() {
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    Map<String, Long> served = new LinkedHashMap<>();
    served.put("submitted", total(meters, "mesh_tasks_submitted_total"));
    served.put("claimed", total(meters, "mesh_tasks_claimed_total"));
    served.put("reported", total(meters, "mesh_attempts_reported_total"));
    return served;
  }

  private static long total(MeterRegistry meters, String counter) {
    return Math.round(meters.find(counter).counters().stream().mapToDouble(Counter::count).sum());
  }

  MeshClient operator() {
    return new MeshClient(url, operatorToken);
  }

  @Override
  public void close() {
    context.close();
  }
}
