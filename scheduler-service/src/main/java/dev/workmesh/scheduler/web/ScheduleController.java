package dev.workmesh.scheduler.web;

import dev.workmesh.web.Problems;
import dev.workmesh.core.DurationText;
import dev.workmesh.scheduler.fire.FireLedger;
import dev.workmesh.scheduler.fire.FireOutcome;
import dev.workmesh.scheduler.fire.FireRecord;
import dev.workmesh.scheduler.fire.FireResult;
import dev.workmesh.scheduler.fire.JobFirer;
import dev.workmesh.scheduler.job.CronSchedule;
import dev.workmesh.scheduler.job.IntervalSchedule;
import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.JobProblem;
import dev.workmesh.scheduler.job.JobTasks;
import dev.workmesh.scheduler.maintenance.FireRecordCleaner;
import dev.workmesh.scheduler.registry.JobRegistry;
import dev.workmesh.scheduler.registry.JobState;
import dev.workmesh.scheduler.registry.LoadedJobs;
import dev.workmesh.scheduler.registry.ReloadReport;
import dev.workmesh.scheduler.registry.ScheduleStateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator API of the scheduler; every call needs the operator token ({@link OperatorTokenFilter}). */
@RestController
@RequestMapping("/schedules")
public class ScheduleController {

  static final int DEFAULT_HISTORY = 20;
  static final int MAX_HISTORY = 500;

  private final JobRegistry registry;
  private final ScheduleStateStore states;
  private final FireLedger ledger;
  private final JobFirer firer;
  private final FireRecordCleaner cleaner;
  private final Clock clock;

  public ScheduleController(JobRegistry registry, ScheduleStateStore states, FireLedger ledger, JobFirer firer,
      FireRecordCleaner cleaner, Clock clock) {
    this.registry = registry;
    this.states = states;
    this.ledger = ledger;
    this.firer = firer;
    this.cleaner = cleaner;
    this.clock = clock;
  }

  @GetMapping
  public JobListView list() {
    LoadedJobs loaded = registry.current();
    List<String> names = loaded.names();
    Map<String, JobState> stateByJob = states.states(names);
    Map<String, FireRecord> lastFire = ledger.lastFires(names);
    Instant now = clock.instant();
    List<JobSummaryView> jobs =
        loaded.jobs().values().stream()
            .map(job -> summary(job, stateByJob.get(job.name()), lastFire.get(job.name()), now))
            .toList();
    return new JobListView(loaded.source(), loaded.loadedAt(), jobs,
        loaded.problems().stream().map(JobProblem::describe).toList());
  }

  @GetMapping("/{name}")
  public JobDetailsView describe(@PathVariable String name) {
    JobDefinition job = job(name);
    JobState state = states.state(name).orElse(null);
    boolean paused = state != null && state.paused();
    return new JobDetailsView(job.name(), kind(job), scheduleText(job), job.schedule().describe(), job.zone().getId(),
        job.enabled(), paused, job.misfire().tomlName(), job.mission(), JobTasks.wireTree(job.task()),
        job.contentHash(),
        state == null ? null : state.registeredAt(), nextFire(job, paused, clock.instant()),
        FireView.of(ledger.lastFires(List.of(name)).get(name)));
  }

  @GetMapping("/{name}/history")
  public HistoryView history(@PathVariable String name, @RequestParam(required = false) Integer limit) {
    job(name);
    int count = limit == null ? DEFAULT_HISTORY : limit;
    if (count < 1 || count > MAX_HISTORY) {
      throw new InvalidRequestException("limit", "must be between 1 and " + MAX_HISTORY + ", got " + count);
    }
    return new HistoryView(name, ledger.history(name, count).stream().map(FireView::of).toList());
  }

  /** Fires the job now; 201 with the fire, or 422 when mesh-core refused its task (the fire is recorded). */
  @PostMapping("/{name}/trigger")
  public ResponseEntity<?> trigger(@PathVariable String name) {
    JobDefinition job = job(name);
    FireResult result = firer.fireNow(job);
    FireView fire = FireView.of(ledger.find(name, result.scheduledAt()).orElse(null));
    if (result.outcome() == FireOutcome.REJECTED) {
      ProblemDetail problem = Problems.of(422, "Task rejected", "job '" + name + "' fired, but mesh-core refused its task: " + result.error()
              + "; fix the job's [job.task] in the job file and reload");
      problem.setProperty("job", name);
      problem.setProperty("fire", fire);
      return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(problem);
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(new TriggerView(name, result.outcome().wire(), fire));
  }

  @PostMapping("/{name}/pause")
  public JobSummaryView pause(@PathVariable String name) {
    return setPaused(name, true);
  }

  @PostMapping("/{name}/resume")
  public JobSummaryView resume(@PathVariable String name) {
    return setPaused(name, false);
  }

  @PostMapping("/reload")
  public ReloadReport reload() {
    return registry.reload();
  }

  @PostMapping("/gc")
  public GcView gc() {
    Instant cutoff = cleaner.cutoff();
    return new GcView(cleaner.purgeBefore(cutoff), DurationText.format(cleaner.retention()), cutoff);
  }

  private JobSummaryView setPaused(String name, boolean paused) {
    JobDefinition job = job(name);
    JobState state = states.setPaused(name, paused);
    return summary(job, state, ledger.lastFires(List.of(name)).get(name), clock.instant());
  }

  private static JobSummaryView summary(JobDefinition job, JobState state, FireRecord lastFire, Instant now) {
    boolean paused = state != null && state.paused();
    return new JobSummaryView(job.name(), kind(job), scheduleText(job), job.zone().getId(), job.enabled(), paused,
        job.misfire().tomlName(), job.mission(), nextFire(job, paused, now), FireView.of(lastFire));
  }

  private JobDefinition job(String name) {
    return registry.current().job(name).orElseThrow(() -> new UnknownJobException(name));
  }

  private static String kind(JobDefinition job) {
    return job.schedule() instanceof CronSchedule ? "cron" : "interval";
  }

  private static String scheduleText(JobDefinition job) {
    return switch (job.schedule()) {
      case CronSchedule cron -> cron.expression();
      case IntervalSchedule interval -> DurationText.format(interval.every());
    };
  }

  private static Instant nextFire(JobDefinition job, boolean paused, Instant now) {
    return job.enabled() && !paused ? job.schedule().nextAfter(now) : null;
  }
}
