package dev.workmesh.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one test class owns: its own database and its own Kafka topic prefix. */
public record MeshTestEnv(TestDatabase database, TestKafka kafka) {

  /** The JVM-wide infrastructure's share for {@code testClass}. */
  public static MeshTestEnv forClass(Class<?> testClass) {
    return MeshTestInfra.get().forClass(testClass);
  }

  /**
   * Spring Boot properties that point a service at this environment; register them from a
   * {@code @DynamicPropertySource} method: {@code MeshTestEnv.forClass(X.class).springProperties().forEach(
   * (k, v) -> registry.add(k, () -> v))}.
   */
  public Map<String, String> springProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", database.jdbcUrl());
    properties.put("spring.datasource.username", database.username());
    properties.put("spring.datasource.password", database.password());
    properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
    properties.put("workmesh.kafka.topic-prefix", kafka.topicPrefix());
    return properties;
  }
}
