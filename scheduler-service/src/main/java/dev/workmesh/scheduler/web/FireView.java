package dev.workmesh.scheduler.web;

import dev.workmesh.scheduler.fire.FireRecord;
import java.time.Instant;
import java.util.UUID;

/** A fire record as the API shows it. */
public record FireView(
    String job, Instant scheduledAt, Instant firedAt, String firedBy, String trigger, UUID taskId, String error) {

  static FireView of(FireRecord fire) {
    return fire == null ? null : new FireView(fire.jobName(), fire.scheduledAt(), fire.firedAt(), fire.firedBy(),
        fire.trigger().wire(), fire.taskId(), fire.error());
  }
}
