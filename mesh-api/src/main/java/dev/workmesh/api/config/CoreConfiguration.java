package dev.workmesh.api.config;

import dev.workmesh.api.auth.AgentTokenCache;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.db.PgNotifications;
import dev.workmesh.core.task.RetryBackoff;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** mesh-core on the service's data source; the schema is migrated before anything uses it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MeshApiProperties.class)
class CoreConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  MeshCore meshCore(DataSource dataSource, PlatformTransactionManager transactions, Clock clock,
      MeshApiProperties properties) {
    MeshCore.migrate(dataSource);
    RetryBackoff backoff =
        new RetryBackoff(properties.retry().base(), properties.retry().cap(), RandomGenerator.getDefault());
    return MeshCore.on(dataSource, transactions, clock, new MeshCore.Settings(properties.lease(), backoff));
  }

  @Bean(destroyMethod = "close")
  PgNotifications pgNotifications(DataSource dataSource, MeshCore core) {
    return new PgNotifications(dataSource, List.of("mesh_outbox", "mesh_task_ready", AgentTokenCache.CHANNEL))
        .start();
  }

  @Bean
  AgentTokenCache agentTokenCache(MeshCore core, PgNotifications notifications) {
    return new AgentTokenCache(core.agents(), notifications);
  }
}
