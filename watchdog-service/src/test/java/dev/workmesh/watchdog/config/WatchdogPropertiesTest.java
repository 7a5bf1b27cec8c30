package dev.workmesh.watchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The watchdog's configuration: documented defaults, derived thresholds, and start-up errors that say what to fix. */
class WatchdogPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(WatchdogProperties.class)
  static class PropertiesOnly {}

  private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class);

  @Test
  void defaultsAreTheDocumentedOnes() {
    WatchdogProperties p = WatchdogProperties.defaults();
    assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.staleThreshold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.disconnectThreshold()).isEqualTo(Duration.ofSeconds(100));
    assertThat(p.sweepInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.rescueBatch()).isEqualTo(500);
    assertThat(p.healthBatch()).isEqualTo(500);
    assertThat(p.leaderLeaseTerm()).isEqualTo(Duration.ofSeconds(15));
    assertThat(p.leaderLeaseMargin()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.metricsRefreshInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(p.migrateSchema()).isTrue();
    assertThat(p.replicaId()).isNotBlank();
    assertThat(WatchdogProperties.defaults().replicaId()).as("two replicas on one host differ").isNotEqualTo(p.replicaId());
  }

  @Test
  void thresholdsLeftOutFollowTheHeartbeatInterval() {
    context.withPropertyValues("watchdog-service.heartbeat-interval=5s").run(ctx -> {
      WatchdogProperties p = ctx.getBean(WatchdogProperties.class);
      assertThat(p.staleThreshold()).isEqualTo(Duration.ofSeconds(15));
      assertThat(p.disconnectThreshold()).isEqualTo(Duration.ofSeconds(50));
    });
  }

  @Test
  void explicitValuesBindFromKebabCaseKeys() {
    context.withPropertyValues("watchdog-service.stale-threshold=45s", "watchdog-service.disconnect-threshold=5m",
        "watchdog-service.rescue-batch=50", "watchdog-service.replica-id=watchdog-1").run(ctx -> {
      WatchdogProperties p = ctx.getBean(WatchdogProperties.class);
      assertThat(p.staleThreshold()).isEqualTo(Duration.ofSeconds(45));
      assertThat(p.disconnectThreshold()).isEqualTo(Duration.ofMinutes(5));
      assertThat(p.rescueBatch()).isEqualTo(50);
      assertThat(p.replicaId()).isEqualTo("watchdog-1");
    });
  }

  @Test
  void aDisconnectThresholdNotAboveTheStaleThresholdStopsStartUpNamingBothKeys() {
    context.withPropertyValues("watchdog-service.stale-threshold=60s", "watchdog-service.disconnect-threshold=60s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.disconnect-threshold (PT1M) must be longer than"
                + " watchdog-service.stale-threshold (PT1M)"));
  }

  @Test
  void aStaleThresholdUnderTwoHeartbeatsStopsStartUp() {
    context.withPropertyValues("watchdog-service.stale-threshold=15s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.stale-threshold (PT15S) must be at least 2 x"
                + " watchdog-service.heartbeat-interval (PT10S)"));
  }

  @Test
  void nonPositiveDurationsBadBatchesAndALeaderTermTooShortAreAllReportedAtOnce() {
    context.withPropertyValues("watchdog-service.sweep-interval=0s", "watchdog-service.rescue-batch=0",
        "watchdog-service.health-batch=20000")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.sweep-interval must be a positive duration")
            .hasMessageContaining("watchdog-service.rescue-batch must be between 1 and 10000; got 0")
            .hasMessageContaining("watchdog-service.health-batch must be between 1 and 10000; got 20000"));
    context.withPropertyValues("watchdog-service.sweep-interval=5s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("must be at least 3 x watchdog-service.sweep-interval (PT5S)"));
    context.withPropertyValues("watchdog-service.leader-lease-margin=20s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.leader-lease-margin (PT20S) must be shorter than"
                + " watchdog-service.leader-lease-term (PT15S)"));
  }

  @Test
  void theRescueHoldHasItsDocumentedDefaultsAndBindsFromItsKeys() {
    WatchdogProperties.RescueHoldSettings hold = WatchdogProperties.defaults().rescueHold();
    assertThat(hold.silentShare()).isEqualTo(0.55);
    assertThat(hold.minAgents()).isEqualTo(3);
    assertThat(hold.max()).isEqualTo(Duration.ofMinutes(5));
    assertThat(hold.silentAfter()).as("2 x heartbeat-interval").isEqualTo(Duration.ofSeconds(20));
    context.withPropertyValues("watchdog-service.rescue-hold.silent-share=0.8", "watchdog-service.rescue-hold.min-agents=10",
        "watchdog-service.rescue-hold.max=2m", "watchdog-service.rescue-hold.silent-after=25s").run(ctx -> {
          WatchdogProperties.RescueHoldSettings bound = ctx.getBean(WatchdogProperties.class).rescueHold();
          assertThat(bound).isEqualTo(new WatchdogProperties.RescueHoldSettings(0.8, 10, Duration.ofMinutes(2),
              Duration.ofSeconds(25)));
        });
  }

  @Test
  void aWrongRescueHoldStopsStartUpNamingTheKeys() {
    context.withPropertyValues("watchdog-service.rescue-hold.silent-share=1.5", "watchdog-service.rescue-hold.min-agents=0",
        "watchdog-service.rescue-hold.max=0s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.rescue-hold.silent-share must be above 0 and at most 1; got 1.5")
            .hasMessageContaining("watchdog-service.rescue-hold.min-agents must be at least 1; got 0")
            .hasMessageContaining("watchdog-service.rescue-hold.max must be a positive duration"));
    context.withPropertyValues("watchdog-service.rescue-hold.silent-after=40s")
        .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
            .hasMessageContaining("watchdog-service.rescue-hold.silent-after (PT40S) must be longer than"
                + " watchdog-service.heartbeat-interval (PT10S) and at most watchdog-service.stale-threshold (PT30S)"));
  }
}
