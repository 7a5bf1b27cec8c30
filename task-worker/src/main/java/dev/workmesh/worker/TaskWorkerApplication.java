package dev.workmesh.worker;

import java.util.concurrent.CompletableFuture;
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

  /**
   * Runs the worker. The main thread stays until the worker stops and is the one place that decides
   * the exit status: the failure may be seen first by any thread (an agent heartbeat, an attempt's
   * heartbeat, a claim, a report), most of them daemons; were one of them to exit, the JVM could end
   * with 0 once the context closed and the last non-daemon thread was gone.
   */
  public static void main(String[] args) {
    ConfigurableApplicationContext context = builder().run(args);
    TaskWorker worker = context.getBean(TaskWorker.class);
    CompletableFuture.anyOf(worker.fatalFailure(), worker.terminated()).exceptionally(e -> null).join();
    RuntimeException failure = worker.fatalFailure().getNow(null);
    if (failure != null) {
      LoggerFactory.getLogger(TaskWorkerApplication.class).error("Exiting with status {}: {}", IDENTITY_REFUSED_EXIT_STATUS, failure.getMessage());
      System.exit(SpringApplication.exit(context, () -> IDENTITY_REFUSED_EXIT_STATUS));
    }
  }

  /** The application as main starts it; tests and mesh-devstack start it the same way. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(TaskWorkerApplication.class).properties("spring.config.name=task-worker");
  }
}
