package dev.workmesh.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Start-up validation: a bad setting stops the service with a message that names the key and the fix. */
class SchedulerPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SchedulerProperties.class)
  static class PropertiesOnly {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class);

  @Test
  void everyDefaultIsDocumentedAndApplied() {
    context.withPropertyValues("scheduler-service.operator-token=s3cret-token-for-tests").run(ctx -> {
      SchedulerProperties p = ctx.getBean(SchedulerProperties.class);
      assertThat(p.jobsFile().normalize()).isEqualTo(Path.of("cron.toml"));
      assertThat(p.zone().getId()).isEqualTo("UTC");
      assertThat(p.tickInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(p.misfireGrace()).isEqualTo(Duration.ofMinutes(1));
      assertThat(p.fileWatchInterval()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.fireRetention()).isEqualTo(Duration.ofDays(30));
      assertThat(p.fireGcInterval()).isEqualTo(Duration.ofHours(1));
      assertThat(p.fireGcBatch()).isEqualTo(1000);
      assertThat(p.leaderLeaseTerm()).isEqualTo(Duration.ofSeconds(15));
      assertThat(p.leaderLeaseMargin()).isEqualTo(Duration.ofSeconds(3));
      assertThat(p.maintenanceInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(p.promoteBatch()).isEqualTo(500);
      assertThat(p.redispatchAfter()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.redispatchBatch()).isEqualTo(500);
      assertThat(p.replicaId()).isNotBlank();
      assertThat(p.toString()).doesNotContain("s3cret");
    });
  }

  @Test
  void aMissingOperatorTokenStopsStartUpSayingHowToSetIt() {
    context.run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
        .hasMessageContaining("scheduler-service.operator-token is required")
        .hasMessageContaining("SCHEDULER_SERVICE_OPERATOR_TOKEN"));
  }

  @Test
  void inconsistentSettingsAreRejectedWithTheFix() {
    context.withPropertyValues(
            "scheduler-service.operator-token=t",
            "scheduler-service.default-time-zone=Paris",
            "scheduler-service.misfire-grace=1s",
            "scheduler-service.tick-interval=5s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("default-time-zone: expected an IANA zone id")
            .hasMessageContaining("misfire-grace (PT1S) must be longer than scheduler-service.tick-interval"));
    context.withPropertyValues(
            "scheduler-service.operator-token=t",
            "scheduler-service.leader-lease-term=5s",
            "scheduler-service.maintenance-interval=3s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("maintenance-interval (PT3S) must be at most half of leader-lease-term minus"));
  }
}
