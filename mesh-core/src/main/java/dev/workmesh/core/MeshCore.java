package dev.workmesh.core;

import dev.workmesh.core.agent.AgentStatus;
import dev.workmesh.core.agent.AgentStore;
import dev.workmesh.core.claim.AttemptReports;
import dev.workmesh.core.claim.BatchReports;
import dev.workmesh.core.claim.ClaimDiagnosis;
import dev.workmesh.core.claim.ClaimEngine;
import dev.workmesh.core.db.MeshDb;
import dev.workmesh.core.lease.LeaseRescuer;
import dev.workmesh.core.mission.MissionStore;
import dev.workmesh.core.outbox.OutboxWriter;
import dev.workmesh.core.task.RetryBackoff;
import dev.workmesh.core.task.TaskActions;
import dev.workmesh.core.task.TaskLifecycle;
import dev.workmesh.core.task.TaskMaintenance;
import dev.workmesh.core.task.TaskStore;
import dev.workmesh.core.task.TaskSubmitter;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The composition root of mesh-core: one object that wires the stores and engines on a data source.
 * Services build one and expose its parts as beans; tests build one on their own database.
 */
public final class MeshCore {

  /** Settings of the core; see each service's configuration for the documented defaults. */
  public record Settings(Duration lease, RetryBackoff backoff) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(30), RetryBackoff.defaults());
    }
  }

  private final MeshDb db;
  private final OutboxWriter outbox;
  private final MissionStore missions;
  private final TaskStore tasks;
  private final TaskLifecycle lifecycle;
  private final TaskActions actions;
  private final TaskMaintenance maintenance;
  private final TaskSubmitter submitter;
  private final AgentStore agents;
  private final ClaimEngine claims;
  private final AttemptReports reports;
  private final BatchReports batchReports;
  private final LeaseRescuer rescuer;
  private final ClaimDiagnosis diagnosis;

  public MeshCore(MeshDb db, Settings settings) {
    this.db = db;
    this.outbox = new OutboxWriter(db);
    this.missions = new MissionStore(db);
    this.tasks = new TaskStore(db);
    this.lifecycle = new TaskLifecycle(db, outbox, settings.backoff());
    this.actions = new TaskActions(db, tasks, lifecycle);
    this.maintenance = new TaskMaintenance(db, lifecycle);
    this.submitter = new TaskSubmitter(db, tasks, lifecycle, outbox);
    this.agents = new AgentStore(db, outbox);
    this.claims = new ClaimEngine(db, tasks, outbox, settings.lease());
    this.reports = new AttemptReports(db, lifecycle, claims, agents);
    this.batchReports = new BatchReports(db, reports);
    this.rescuer = new LeaseRescuer(db, reports);
    this.diagnosis = new ClaimDiagnosis(db, agents);
  }

  /** The core on a service's data source and transaction manager, with the mesh's JSON mapper. */
  public static MeshCore on(DataSource dataSource, PlatformTransactionManager transactions, Clock clock, Settings settings) {
    return new MeshCore(new MeshDb(dataSource, transactions, clock, MeshJson.mapper()), settings);
  }

  /** Applies the schema migrations (Flyway) to a database. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  /**
   * Revokes an agent: its token stops working at once and its live claims go back to others in the same
   * transaction. Revoking twice is harmless.
   */
  public void revokeAgent(UUID agentId) {
    db.inTransaction(() -> {
      var agent = agents.lockAgent(agentId);
      if (agent.status() != AgentStatus.REVOKED) {
        agents.changeStatus(agent, AgentStatus.REVOKED);
        rescuer.rescueAgent(agentId, "agent " + agentId + " was revoked");
      }
    });
  }

  public MeshDb db() { return db; }
  public OutboxWriter outbox() { return outbox; }
  public MissionStore missions() { return missions; }
  public TaskStore tasks() { return tasks; }
  public TaskLifecycle lifecycle() { return lifecycle; }
  public TaskActions actions() { return actions; }
  public TaskMaintenance maintenance() { return maintenance; }
  public TaskSubmitter submitter() { return submitter; }
  public AgentStore agents() { return agents; }
  public ClaimEngine claims() { return claims; }
  public AttemptReports reports() { return reports; }
  public BatchReports batchReports() { return batchReports; }
  public LeaseRescuer rescuer() { return rescuer; }
  public ClaimDiagnosis diagnosis() { return diagnosis; }
}
