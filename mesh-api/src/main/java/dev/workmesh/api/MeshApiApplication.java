package dev.workmesh.api;

import dev.workmesh.core.db.FailFastWhenDatabaseGoneOnStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The control plane's HTTP service: the /work API, agent tokens, the outbox relay, live events. */
@SpringBootApplication
@Import(FailFastWhenDatabaseGoneOnStop.class)
@EnableScheduling
@PropertySource("classpath:mesh-api-defaults.properties")
public class MeshApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(MeshApiApplication.class, args);
  }
}
