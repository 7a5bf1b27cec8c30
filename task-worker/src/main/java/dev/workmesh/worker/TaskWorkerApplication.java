package dev.workmesh.worker;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The node daemon: {@code java -jar task-worker-exec.jar} with {@code task-worker.api-url}, {@code
 * spring.kafka.bootstrap-servers} and, on the first start, {@code task-worker.enrolment-token}.
 * Exits with status 78 (configuration error) when mesh-api refuses the worker's identity.
 *
 * <p>The worker never touches a database, so those auto-configurations are excluded and it can share
 * a classpath with the control plane (mesh-devstack, tests). Its configuration file is {@code
 * task-worker.yml} ({@code spring.config.name=task-worker}) for the same reason.
 */
@SpringBootApplication(excludeName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
public class TaskWorkerApplication {

  /** EX_CONFIG from sysexits.h: a supervisor should not restart the worker in a loop. */
  public static final int IDENTITY_REFUSED_EXIT_STATUS = 78;

  public static void main(String[] args) {
    ConfigurableApplicationContext context = builder().run(args);
    context.getBean(TaskWorker.class).fatalFailure().thenAccept(failure -> {
      LoggerFactory.getLogger(TaskWorkerApplication.class).error("Exiting: {}", failure.getMessage());
      System.exit(SpringApplication.exit(context, () -> IDENTITY_REFUSED_EXIT_STATUS));
    });
  }

  /** The application as main starts it; tests and mesh-devstack start it the same way. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(TaskWorkerApplication.class).properties("spring.config.name=task-worker");
  }
}
