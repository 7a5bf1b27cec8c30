package dev.workmesh.api.task;

import dev.workmesh.api.ApiMetrics;
import dev.workmesh.api.auth.BearerAuthFilter;
import dev.workmesh.api.auth.Caller;
import dev.workmesh.web.ForbiddenException;
import dev.workmesh.api.web.Cursors;
import dev.workmesh.web.JsonBodies;
import dev.workmesh.api.web.Views;
import dev.workmesh.client.model.Page;
import dev.workmesh.client.model.TaskRequest;
import dev.workmesh.client.model.TaskView;
import dev.workmesh.client.model.WaitingReason;
import dev.workmesh.core.MeshCore;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.claim.ClaimDiagnosis;
import dev.workmesh.core.claim.ClaimDiagnosis.Waiting;
import dev.workmesh.core.task.Attempt;
import dev.workmesh.core.task.MeshTask;
import dev.workmesh.core.task.TaskFilter;
import dev.workmesh.core.task.TaskStatus;
import dev.workmesh.core.task.TaskValidator;
import dev.workmesh.client.model.TaskLog;
import dev.workmesh.core.task.TaskSubmitter.Submitted;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Submitting, listing, reading, retrying and cancelling tasks. */
@RestController
class TaskController {

  static final int MAX_BATCH = 1_000;

  private final MeshCore core;
  private final JsonBodies bodies;
  private final SubmitRateLimiter rateLimiter;
  private final ApiMetrics metrics;

  TaskController(MeshCore core, JsonBodies bodies, SubmitRateLimiter rateLimiter, ApiMetrics metrics) {
    this.core = core;
    this.bodies = bodies;
    this.rateLimiter = rateLimiter;
    this.metrics = metrics;
  }

  /** One task (an object; 201, or 200 on an idempotent replay) or a batch (an array; all or none). */
  @PostMapping("/work/missions/{missionId}/tasks")
  ResponseEntity<?> submit(@PathVariable UUID missionId, @RequestBody JsonNode body, HttpServletRequest http) {
    Caller caller = BearerAuthFilter.caller(http);
    if (body != null && body.isArray()) {
      if (body.isEmpty() || body.size() > MAX_BATCH) {
        throw ValidationException.of("body", "a batch holds 1 to " + MAX_BATCH + " tasks");
      }
      List<TaskRequest> tasks = new ArrayList<>(body.size());
      for (int i = 0; i < body.size(); i++) {
        tasks.add(bodies.read(body.get(i), TaskRequest.class, "[" + i + "]."));
      }
      rateLimiter.acquire(caller, tasks.size());
      List<Submitted> submitted = core.submitter().submitAll(missionId, tasks, caller.name());
      submitted.stream().filter(s -> !s.replay())
          .forEach(s -> metrics.submitted(s.task().claimPolicy().wire(), 1));
      return ResponseEntity.status(HttpStatus.CREATED).body(submitted.stream().map(s -> Views.task(s.task())).toList());
    }
    TaskRequest task = bodies.read(body, TaskRequest.class, "");
    rateLimiter.acquire(caller, 1);
    Submitted submitted = core.submitter().submit(missionId, task, caller.name());
    TaskView view = Views.task(submitted.task());
    view = submitted.agents() != null // counted by the submission's own statement: no second round trip
        ? waiting(view, ClaimDiagnosis.whyWaiting(submitted.task(), submitted.agents()))
        : waiting(view, core.diagnosis().whyWaiting(submitted.task()));
    if (submitted.replay()) {
      return ResponseEntity.ok(view);
    }
    metrics.submitted(submitted.task().claimPolicy().wire(), 1);
    return ResponseEntity.created(URI.create("/work/tasks/" + submitted.task().id())).body(view);
  }

  /**
   * A page of the mission's tasks, oldest first unless {@code order=newest}; {@code status}, {@code pool} and
   * {@code runtime} narrow it.
   */
  @GetMapping("/work/missions/{missionId}/tasks")
  Page<TaskView> list(@PathVariable UUID missionId, @RequestParam(required = false) String status,
      @RequestParam(required = false) String pool, @RequestParam(required = false) String runtime,
      @RequestParam(required = false) String order, @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    core.missions().get(missionId);
    TaskFilter filter = new TaskFilter(status(status), name("pool", pool), name("runtime", runtime),
        newestFirst(order));
    int n = Cursors.limit(limit);
    List<MeshTask> tasks = core.tasks().list(missionId, filter, Cursors.parse(cursor), n);
    return new Page<>(tasks.stream().map(Views::task).toList(),
        tasks.size() == n ? tasks.getLast().id().toString() : null);
  }

  private static TaskStatus status(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return TaskStatus.fromWire(status.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("status",
          "must be one of pending, ready, claimed, running, succeeded, failed, cancelled");
    }
  }

  private static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!TaskValidator.NAME.matcher(value).matches()) {
      throw ValidationException.of(field, "must be a " + field + " name: letters, digits and . _ : -, at most 64");
    }
    return value;
  }

  private static boolean newestFirst(String order) {
    if (order == null || order.isBlank() || order.equals("oldest")) {
      return false;
    }
    if (order.equals("newest")) {
      return true;
    }
    throw ValidationException.of("order", "must be newest or oldest (the default)");
  }

  /**
   * The output of the task's latest attempt: its log tail, which a running attempt's worker renews with
   * every heartbeat, and the final tail once the attempt ended.
   */
  @GetMapping("/work/tasks/{id}/log")
  TaskLog log(@PathVariable UUID id) {
    MeshTask task = core.tasks().get(id);
    List<Attempt> attempts = core.tasks().attempts(id);
    if (attempts.isEmpty()) {
      return new TaskLog(id, task.status().wire(), null, null, false, null);
    }
    Attempt last = attempts.getLast();
    return new TaskLog(id, task.status().wire(), last.id(), last.number(), last.live(), last.logTail());
  }

  @GetMapping("/work/tasks/{id}")
  TaskView get(@PathVariable UUID id) {
    MeshTask task = core.tasks().get(id);
    return waiting(Views.task(task, core.tasks().attempts(id)), core.diagnosis().whyWaiting(task));
  }

  /** The view with the requirement no connected agent meets, for a ready or pending task nobody can claim. */
  private static TaskView waiting(TaskView view, Optional<Waiting> waiting) {
    return waiting.map(w -> view.withWaitingReason(new WaitingReason(w.requirement(), w.message()))).orElse(view);
  }

  /** A failed or cancelled task gets a fresh budget of attempts. */
  @PostMapping("/work/tasks/{id}/retry")
  TaskView retry(@PathVariable UUID id) {
    return Views.task(core.actions().retry(id));
  }

  /** Operators cancel any task; an agent cancels the tasks it submitted. */
  @PostMapping("/work/tasks/{id}/cancel")
  TaskView cancel(@PathVariable UUID id, HttpServletRequest http) {
    Caller caller = BearerAuthFilter.caller(http);
    MeshTask task = core.tasks().get(id);
    if (!caller.isOperator() && !caller.name().equals(task.submittedBy())) {
      throw new ForbiddenException("an agent may cancel only the tasks it submitted; task " + id
          + " was submitted by " + task.submittedBy());
    }
    return Views.task(core.actions().cancel(id));
  }
}
