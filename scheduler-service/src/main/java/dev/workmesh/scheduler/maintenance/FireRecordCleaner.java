package dev.workmesh.scheduler.maintenance;

import dev.workmesh.core.loop.PeriodicLoop;
import dev.workmesh.scheduler.fire.FireLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes fire records older than the retention, in batches, once per {@code interval} (the
 * maintenance loop ticks every second; this job skips the ticks in between). Each job's latest
 * scheduled fire is kept whatever its age: it is the reference the job's next fire is planned from.
 */
public final class FireRecordCleaner implements PeriodicLoop.Step {

  private final FireLedger ledger;
  private final Clock clock;
  private final Duration retention;
  private final Duration interval;
  private final int batch;
  private volatile Instant nextRun = Instant.MIN;

  public FireRecordCleaner(FireLedger ledger, Clock clock, Duration retention, Duration interval, int batch) {
    this.ledger = ledger;
    this.clock = clock;
    this.retention = retention;
    this.interval = interval;
    this.batch = batch;
  }

  @Override
  public String name() {
    return "fire-gc";
  }

  @Override
  public int runOnce() {
    Instant now = clock.instant();
    if (now.isBefore(nextRun)) {
      return 0;
    }
    int deleted = ledger.deleteFiredBefore(now.minus(retention), batch);
    if (deleted < batch) {
      nextRun = now.plus(interval); // caught up; a full batch makes the loop call again at once
    }
    return deleted;
  }

  @Override
  public int batch() {
    return batch;
  }

  /** The instant before which records are expired, now. */
  public Instant cutoff() {
    return clock.instant().minus(retention);
  }

  /**
   * Deletes every record fired before {@code cutoff} (but each job's latest scheduled fire) now, on any
   * replica: {@code POST /schedules/gc}. Returns how many.
   */
  public int purgeBefore(Instant cutoff) {
    int total = 0;
    int deleted;
    do {
      deleted = ledger.deleteFiredBefore(cutoff, batch);
      total += deleted;
    } while (deleted == batch);
    return total;
  }

  public Duration retention() {
    return retention;
  }
}
