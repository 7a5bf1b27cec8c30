package dev.workmesh.worker.config;

import dev.workmesh.worker.TaskWorker;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the {@link TaskWorker} from {@code task-worker.*}, Boot's {@code spring.kafka.*} (bootstrap
 * servers, TLS, SASL: the admin client's view of them is what every worker consumer shares) and the
 * actuator's meter registry, and ties its start and stop to the application's lifecycle.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TaskWorkerProperties.class)
public class TaskWorkerConfiguration {

  @Bean
  TaskWorker taskWorker(TaskWorkerProperties properties, KafkaProperties kafka, MeterRegistry registry) {
    return new TaskWorker(properties, kafka.buildAdminProperties(), registry);
  }

  /**
   * {@code /actuator/health} component {@code taskWorker}: DOWN once the worker hit a fatal error
   * (its identity was refused), else UP with its state (starting while it waits for mesh-api, or
   * claiming), agent id and attempts in hand.
   */
  @Bean
  HealthIndicator taskWorkerHealthIndicator(TaskWorker worker) {
    return () -> {
      if (worker.fatalFailure().isDone()) {
        return Health.down().withDetail("error", worker.fatalFailure().join().getMessage()).build();
      }
      Health.Builder health = Health.up()
          .withDetail("state", worker.claiming() ? "claiming" : "starting")
          .withDetail("attempts", worker.runningAttempts());
      worker.identity().ifPresent(identity -> health.withDetail("agentId", identity.agentId()));
      return health.build();
    };
  }

  @Bean
  SmartLifecycle taskWorkerLifecycle(TaskWorker worker) {
    return new TaskWorkerLifecycle(worker);
  }

  /**
   * Starts the worker with the application ({@link TaskWorker#start()} returns at once; enrolment
   * waits for mesh-api in the background, so health answers meanwhile) and, in the default phase,
   * stops it before the web server on shutdown, letting running attempts finish within the grace.
   */
  static final class TaskWorkerLifecycle implements SmartLifecycle {

    private final TaskWorker worker;
    private volatile boolean running;

    TaskWorkerLifecycle(TaskWorker worker) {
      this.worker = worker;
    }

    @Override
    public void start() {
      worker.start();
      running = true;
    }

    @Override
    public void stop() {
      worker.stop();
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }
}
