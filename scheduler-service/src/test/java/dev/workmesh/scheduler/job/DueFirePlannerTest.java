package dev.workmesh.scheduler.job;

import static dev.workmesh.scheduler.job.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueFirePlannerTest {

  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** Daily at 06:30 Paris = 05:30Z in winter. */
  static final CronSchedule DAILY_0630 = CronSchedule.parse("30 6 * * *", PARIS);
  static final Instant JAN_10_0530Z = Instant.parse("2025-01-10T05:30:00Z");
  static final Instant REGISTERED = Instant.parse("2025-01-01T00:00:00Z");

  final DueFirePlanner planner = new DueFirePlanner(Duration.ofMinutes(1));

  @Test
  void nothingIsDueBeforeTheNextScheduledInstant() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.SKIP);

    DueFires fires = planner.plan(job, JAN_10_0530Z.minus(Duration.ofDays(1)), REGISTERED, JAN_10_0530Z.minusSeconds(1));

    assertThat(fires.due()).isEmpty();
    assertThat(fires.missed()).isFalse();
  }

  @Test
  void anInstantFiresOnTimeAndUntilTheEndOfTheGrace() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.SKIP);
    Instant lastFire = JAN_10_0530Z.minus(Duration.ofDays(1));

    for (Instant now : List.of(JAN_10_0530Z, JAN_10_0530Z.plusSeconds(30), JAN_10_0530Z.plusSeconds(60))) {
      assertThat(planner.plan(job, lastFire, REGISTERED, now))
          .as("at %s", now)
          .isEqualTo(new DueFires(List.of(JAN_10_0530Z), false));
    }
  }

  @Test
  void skipDropsAnInstantOlderThanTheGrace() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.SKIP);

    DueFires fires =
        planner.plan(job, JAN_10_0530Z.minus(Duration.ofDays(1)), REGISTERED, JAN_10_0530Z.plusSeconds(61));

    assertThat(fires.due()).isEmpty();
    assertThat(fires.missed()).isTrue();
  }

  @Test
  void skipFiresOnlyTheLatestInstantWhenItIsWithinTheGrace() {
    JobDefinition job = job("every-10m", IntervalSchedule.every(Duration.ofMinutes(10)), MisfirePolicy.SKIP);
    Instant lastFire = Instant.parse("2025-01-10T08:00:00Z");
    Instant now = Instant.parse("2025-01-10T09:00:30Z"); // 08:10 .. 09:00 passed; 09:00 is 30 s old

    assertThat(planner.plan(job, lastFire, REGISTERED, now))
        .isEqualTo(new DueFires(List.of(Instant.parse("2025-01-10T09:00:00Z")), true));
  }

  @Test
  void skipAfterALongOutageFiresNothingUntilTheNextInstant() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.SKIP);
    Instant lastFire = Instant.parse("2025-01-02T05:30:00Z");
    Instant backAt = Instant.parse("2025-01-10T12:00:00Z");

    assertThat(planner.plan(job, lastFire, REGISTERED, backAt).due()).isEmpty();
    assertThat(planner.plan(job, lastFire, REGISTERED, Instant.parse("2025-01-11T05:30:10Z")).due())
        .containsExactly(Instant.parse("2025-01-11T05:30:00Z"));
  }

  @Test
  void fireOnceCollapsesAllMissedInstantsIntoTheLatest() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.FIRE_ONCE);
    Instant lastFire = Instant.parse("2025-01-02T05:30:00Z");
    Instant backAt = Instant.parse("2025-01-10T12:00:00Z"); // eight days missed

    assertThat(planner.plan(job, lastFire, REGISTERED, backAt))
        .isEqualTo(new DueFires(List.of(JAN_10_0530Z), true));
  }

  @Test
  void fireOnceWithASingleLateInstantIsNotAMiss() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.FIRE_ONCE);

    assertThat(planner.plan(job, JAN_10_0530Z.minus(Duration.ofDays(1)), REGISTERED, JAN_10_0530Z.plusSeconds(3600)))
        .isEqualTo(new DueFires(List.of(JAN_10_0530Z), false));
  }

  @Test
  void theLastFiredInstantNeverFiresAgain() {
    for (MisfirePolicy policy : MisfirePolicy.values()) {
      JobDefinition job = job("daily", DAILY_0630, policy);

      assertThat(planner.plan(job, JAN_10_0530Z, REGISTERED, JAN_10_0530Z.plusSeconds(10)).due()).isEmpty();
    }
  }

  @Test
  void aJobThatNeverFiredCountsFromItsRegistration() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.FIRE_ONCE);
    Instant registered = Instant.parse("2025-01-10T06:00:00Z"); // after today's 05:30Z

    assertThat(planner.plan(job, null, registered, Instant.parse("2025-01-10T07:00:00Z")).due()).isEmpty();
    assertThat(planner.plan(job, null, registered, Instant.parse("2025-01-12T07:00:00Z")).due())
        .containsExactly(Instant.parse("2025-01-12T05:30:00Z"));
  }

  @Test
  void aDisabledJobHasNothingDue() {
    JobDefinition enabled = job("daily", DAILY_0630, MisfirePolicy.FIRE_ONCE);
    JobDefinition disabled =
        new JobDefinition(enabled.name(), enabled.schedule(), enabled.zone(), enabled.mission(), false,
            enabled.misfire(), enabled.task());

    assertThat(planner.plan(disabled, null, REGISTERED, JAN_10_0530Z).due()).isEmpty();
  }

  @Test
  void theGraceIsConfigurable() {
    JobDefinition job = job("daily", DAILY_0630, MisfirePolicy.SKIP);
    Instant lastFire = JAN_10_0530Z.minus(Duration.ofDays(1));
    Instant tenMinutesLate = JAN_10_0530Z.plus(Duration.ofMinutes(10));

    assertThat(new DueFirePlanner(Duration.ofMinutes(15)).plan(job, lastFire, REGISTERED, tenMinutesLate).due())
        .containsExactly(JAN_10_0530Z);
    assertThat(new DueFirePlanner().plan(job, lastFire, REGISTERED, tenMinutesLate).due()).isEmpty();
    assertThatThrownBy(() -> new DueFirePlanner(Duration.ZERO)).hasMessageContaining("must be positive");
  }

  @Test
  void aFallBackDayFiresTheRepeatedWallTimeOnce() {
    JobDefinition job = job("at-0230", CronSchedule.parse("30 2 * * *", PARIS), MisfirePolicy.SKIP);
    Instant firstOccurrence = Instant.parse("2025-10-26T00:30:00Z"); // 02:30 CEST
    Instant secondOccurrence = Instant.parse("2025-10-26T01:30:00Z"); // 02:30 CET

    assertThat(planner.plan(job, Instant.parse("2025-10-25T00:30:00Z"), REGISTERED, firstOccurrence).due())
        .containsExactly(firstOccurrence);
    assertThat(planner.plan(job, firstOccurrence, REGISTERED, secondOccurrence.plusSeconds(5)).due()).isEmpty();
  }

  @Test
  void aPerMinuteJobDownForAYearIsPlannedWithoutWalkingEveryMissedMinute() {
    JobDefinition job = job("per-minute", CronSchedule.parse("* * * * *", PARIS), MisfirePolicy.FIRE_ONCE);
    Instant lastFire = Instant.parse("2024-01-01T00:00:00Z");
    Instant now = Instant.parse("2025-01-01T00:00:30Z");

    assertThat(planner.plan(job, lastFire, REGISTERED, now))
        .isEqualTo(new DueFires(List.of(Instant.parse("2025-01-01T00:00:00Z")), true));
  }

  @Test
  void planningIsDeterministicAndEqualsTheNaiveForwardWalk() {
    List<Schedule> schedules =
        List.of(
            DAILY_0630,
            CronSchedule.parse("*/7 * * * *", PARIS),
            CronSchedule.parse("0 9 * * MON-FRI", ZoneId.of("America/New_York")),
            CronSchedule.parse("30 2 * * *", PARIS),
            IntervalSchedule.every(Duration.ofMinutes(150)),
            IntervalSchedule.every(Duration.ofSeconds(45)));
    Random random = new Random(20250101L);
    Instant base = Instant.parse("2025-03-25T00:00:00Z"); // the Paris spring-forward week
    for (int i = 0; i < 600; i++) {
      Schedule schedule = schedules.get(i % schedules.size());
      MisfirePolicy policy = MisfirePolicy.values()[random.nextInt(2)];
      JobDefinition job = job("job-" + i, schedule, policy);
      Instant reference = base.plusSeconds(random.nextInt(10 * 86_400));
      Instant now = reference.plusSeconds(random.nextInt(3 * 86_400));
      boolean neverFired = random.nextBoolean();
      Instant lastFire = neverFired ? null : reference;
      Instant registeredAt = neverFired ? reference : REGISTERED;

      DueFires planned = planner.plan(job, lastFire, registeredAt, now);

      // A second, independent planner (another replica) agrees.
      assertThat(new DueFirePlanner(Duration.ofMinutes(1)).plan(job, lastFire, registeredAt, now)).isEqualTo(planned);
      // And so does the definition itself, walked one instant at a time.
      assertThat(planned).as("%s %s from %s to %s", schedule, policy, reference, now)
          .isEqualTo(naive(schedule, policy, reference, now, Duration.ofMinutes(1)));
    }
  }

  private static DueFires naive(Schedule schedule, MisfirePolicy policy, Instant reference, Instant now, Duration grace) {
    List<Instant> candidates = new ArrayList<>();
    for (Instant t = schedule.nextAfter(reference); !t.isAfter(now); t = schedule.nextAfter(t)) {
      candidates.add(t);
    }
    if (candidates.isEmpty()) {
      return new DueFires(List.of(), false);
    }
    Instant latest = candidates.getLast();
    boolean fires = policy == MisfirePolicy.FIRE_ONCE || Duration.between(latest, now).compareTo(grace) <= 0;
    return fires ? new DueFires(List.of(latest), candidates.size() > 1) : new DueFires(List.of(), true);
  }
}
