package dev.workmesh.worker.dispatch;

import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.model.ClaimView;
import dev.workmesh.worker.WorkerMetrics;
import dev.workmesh.worker.mesh.GuardedMeshClient;
import dev.workmesh.worker.mesh.MeshUnavailableException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks through the API for the dispatch sources and hands what it wins, with the slot taken
 * for it, to the {@link ClaimIntake}. A slot not used for a won claim is released here.
 */
public final class TaskClaimer {

  private static final Logger log = LoggerFactory.getLogger(TaskClaimer.class);

  /** What became of a claim of one task. */
  public enum Result {
    /** Won: the attempt runs and owns the slot. */
    CLAIMED,
    /** Someone else has it, it is gone, or this agent may not claim it: drop the hint. */
    NOT_CLAIMABLE,
    /** The API could not decide now: the hint is still good. */
    API_UNAVAILABLE
  }

  private final GuardedMeshClient api;
  private final ClaimIntake intake;
  private final WorkerMetrics metrics;

  public TaskClaimer(GuardedMeshClient api, ClaimIntake intake, WorkerMetrics metrics) {
    this.api = api;
    this.intake = intake;
    this.metrics = metrics;
  }

  public boolean apiAvailable() {
    return api.available();
  }

  /** Claims the task a record points at, using {@code slot}. */
  public Result claim(UUID taskId, Slots.Permit slot, String source) {
    if (intake.holds(taskId)) {
      slot.release();
      log.debug("Skipping a {} record of task {}: this worker runs it already (a re-dispatched hint)", source, taskId);
      return Result.NOT_CLAIMABLE;
    }
    if (intake.declined(taskId)) {
      slot.release();
      log.debug("Skipping a {} record of task {}: this worker recently handed it back", source, taskId);
      return Result.NOT_CLAIMABLE;
    }
    try {
      var claim = api.claimTask(taskId);
      metrics.claimed(source, claim.isPresent());
      if (claim.isEmpty()) {
        slot.release();
        log.debug("Task {} of a {} record is not claimable by this agent any more", taskId, source);
        return Result.NOT_CLAIMABLE;
      }
      intake.accept(claim.get(), slot, source);
      return Result.CLAIMED;
    } catch (MeshUnavailableException e) {
      slot.release();
      log.warn("Could not claim task {} of a {} record: {}", taskId, source, e.getMessage());
      return Result.API_UNAVAILABLE;
    } catch (MeshApiException e) {
      slot.release();
      log.warn("mesh-api refused the claim of task {} of a {} record: {}", taskId, source, e.getMessage());
      return Result.NOT_CLAIMABLE;
    } catch (RuntimeException e) {
      slot.release();
      throw e;
    }
  }

  /**
   * Claims the tasks records point at in one request, one slot each ({@code slots} as many as {@code
   * taskIds}), and answers for each task. Slots not used for a won claim are released.
   */
  public Map<UUID, Result> claimAll(List<UUID> taskIds, List<Slots.Permit> slots, String source) {
    if (taskIds.size() != slots.size()) {
      slots.forEach(Slots.Permit::release);
      throw new IllegalArgumentException("one slot per task: " + taskIds.size() + " tasks, " + slots.size() + " slots");
    }
    Map<UUID, Result> results = new LinkedHashMap<>();
    Map<UUID, Slots.Permit> wanted = new LinkedHashMap<>();
    for (int i = 0; i < taskIds.size(); i++) {
      UUID taskId = taskIds.get(i);
      if (intake.holds(taskId) || intake.declined(taskId) || wanted.containsKey(taskId)) {
        slots.get(i).release();
        log.debug("Skipping a {} record of task {}: this worker runs it, recently handed it back, or has it twice",
            source, taskId);
        results.put(taskId, Result.NOT_CLAIMABLE);
      } else {
        wanted.put(taskId, slots.get(i));
      }
    }
    if (wanted.isEmpty()) {
      return results;
    }
    if (wanted.size() == 1) {
      Map.Entry<UUID, Slots.Permit> only = wanted.entrySet().iterator().next();
      results.put(only.getKey(), claim(only.getKey(), only.getValue(), source));
      return results;
    }
    List<ClaimView> claims;
    try {
      claims = api.claimTasks(List.copyOf(wanted.keySet()));
    } catch (RuntimeException e) {
      wanted.values().forEach(Slots.Permit::release);
      if (e instanceof MeshUnavailableException) {
        log.warn("Could not claim {} task(s) of {} records: {}", wanted.size(), source, e.getMessage());
        wanted.keySet().forEach(id -> results.put(id, Result.API_UNAVAILABLE));
        return results;
      }
      if (e instanceof MeshApiException) {
        log.warn("mesh-api refused the claim of {} task(s) of {} records: {}", wanted.size(), source, e.getMessage());
        wanted.keySet().forEach(id -> results.put(id, Result.NOT_CLAIMABLE));
        return results;
      }
      throw e;
    }
    metrics.batch("claim", wanted.size());
    Map<UUID, ClaimView> won = new HashMap<>();
    claims.forEach(c -> won.put(c.task().id(), c));
    wanted.forEach((taskId, slot) -> {
      ClaimView claim = won.get(taskId);
      metrics.claimed(source, claim != null);
      if (claim == null) {
        slot.release();
        results.put(taskId, Result.NOT_CLAIMABLE);
      } else {
        intake.accept(claim, slot, source);
        results.put(taskId, Result.CLAIMED);
      }
    });
    return results;
  }

  /**
   * Pulls: claims as many of the best eligible tasks as there are {@code slots}, and releases the
   * slots it could not use. Returns how many it won.
   */
  public int pull(List<Slots.Permit> slots) {
    if (slots.isEmpty()) {
      return 0;
    }
    List<ClaimView> claims;
    try {
      claims = api.claim(slots.size());
    } catch (RuntimeException e) {
      slots.forEach(Slots.Permit::release);
      if (e instanceof MeshUnavailableException || e instanceof MeshApiException) {
        log.warn("Could not pull tasks: {}", e.getMessage());
        return 0;
      }
      throw e;
    }
    for (int i = 0; i < slots.size(); i++) {
      if (i < claims.size()) {
        metrics.claimed("pull", true);
        intake.accept(claims.get(i), slots.get(i), "pull");
      } else {
        slots.get(i).release();
      }
    }
    if (!claims.isEmpty()) {
      log.info("Pulled {} task(s) from the API", claims.size());
    }
    return claims.size();
  }
}
