package dev.workmesh.scheduler;

import dev.workmesh.core.db.FailFastWhenDatabaseGoneOnStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

/** Cron and interval jobs that create tasks, and the leader-only maintenance sweeps. */
@SpringBootApplication
@Import(FailFastWhenDatabaseGoneOnStop.class)
@PropertySource("classpath:scheduler-service-defaults.properties")
public class SchedulerApplication {

  public static void main(String[] args) {
    SpringApplication.run(SchedulerApplication.class, args);
  }
}
