package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.core.leader.LeaderLease;
import dev.workmesh.core.leader.MaintenanceLoop;
import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.testsupport.MeshIntegrationTest;
import dev.workmesh.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Leader-only maintenance: one leader at a time, fail-over once the lease lapses, step-down on failure. */
@MeshIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderLeaseTest {

  private static final Duration TERM = Duration.ofSeconds(15);
  private static final Duration MARGIN = Duration.ofSeconds(3);
  private CoreHarness mesh;

  @BeforeAll
  void start(TestDatabase database) {
    mesh = new CoreHarness(database);
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private LeaderLease lease(String name, String holder) {
    return new LeaderLease(mesh.core.db(), name, holder, TERM, MARGIN);
  }

  @Test
  void onlyOneReplicaLeadsAndAnotherTakesOverWhenTheLeaseLapses() {
    LeaderLease a = lease("sweeps", "replica-a");
    LeaderLease b = lease("sweeps", "replica-b");
    assertThat(a.acquireOrRenew()).isTrue();
    assertThat(b.acquireOrRenew()).isFalse();
    assertThat(a.isLeader()).isTrue();
    assertThat(b.isLeader()).isFalse();

    mesh.clock.advance(TERM.minus(MARGIN)); // a stops renewing (crashed); it no longer trusts its lease
    assertThat(a.isLeader()).isFalse();
    assertThat(b.acquireOrRenew()).as("not before the lease expired").isFalse();
    mesh.clock.advance(MARGIN.plusSeconds(1));
    assertThat(b.acquireOrRenew()).isTrue();
    assertThat(a.acquireOrRenew()).isFalse();
  }

  @Test
  void aLeaderThatReleasesHandsOverAtOnce() {
    LeaderLease a = lease("release", "replica-a");
    LeaderLease b = lease("release", "replica-b");
    assertThat(a.acquireOrRenew()).isTrue();
    a.release();
    assertThat(b.acquireOrRenew()).isTrue();
  }

  @Test
  void aMaintenanceLoopRunsItsJobsOnlyWhileLeadingAndSurvivesAFailingJob() {
    AtomicInteger runs = new AtomicInteger();
    PeriodicLoop.Step counting = new PeriodicLoop.Step() {
      public String name() { return "count"; }
      public int runOnce() { runs.incrementAndGet(); return 0; }
    };
    PeriodicLoop.Step failing = new PeriodicLoop.Step() {
      public String name() { return "fail"; }
      public int runOnce() { throw new IllegalStateException("boom"); }
    };
    MaintenanceLoop leader = new MaintenanceLoop(lease("loop", "a"), Duration.ofSeconds(1), List.of(failing, counting), null);
    MaintenanceLoop follower = new MaintenanceLoop(lease("loop", "b"), Duration.ofSeconds(1), List.of(counting), null);

    assertThat(leader.tick()).isTrue();
    assertThat(follower.tick()).isFalse();
    assertThat(leader.tick()).isTrue();
    assertThat(runs.get()).isEqualTo(2);
    leader.close();
    assertThat(follower.tick()).as("takes over once the leader released").isTrue();
    assertThat(runs.get()).isEqualTo(3);
    follower.close();
  }
}
