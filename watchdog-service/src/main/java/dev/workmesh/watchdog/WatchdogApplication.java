package dev.workmesh.watchdog;

import dev.workmesh.core.db.FailFastWhenDatabaseGoneOnStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

/** Agent health from heartbeats, rescue of lapsed and orphaned claims, fleet metrics. */
@SpringBootApplication
@Import(FailFastWhenDatabaseGoneOnStop.class)
@PropertySource("classpath:watchdog-service-defaults.properties")
public class WatchdogApplication {

  public static void main(String[] args) {
    SpringApplication.run(WatchdogApplication.class, args);
  }
}
