package dev.workmesh.scheduler.registry;

import dev.workmesh.scheduler.job.JobDefinition;
import dev.workmesh.scheduler.job.JobFile;
import dev.workmesh.scheduler.job.JobFileLoader;
import dev.workmesh.scheduler.job.JobProblem;
import dev.workmesh.scheduler.job.JobSetDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs this replica runs, loaded from the job file at start-up and reloaded on demand or when the
 * file changes. Readers get an immutable {@link LoadedJobs} snapshot; reloads are serialised.
 *
 * <p>Reload rules:
 *
 * <ul>
 *   <li>A missing file means no jobs (with a warning): the same as at start-up, so a restart and a
 *       reload always agree.
 *   <li>A file that cannot be read or is not valid TOML changes nothing; its problems are reported.
 *   <li>Otherwise the valid jobs replace the running ones: new names start, removed names stop,
 *       changed definitions apply from the next tick. A job whose new definition has a problem keeps
 *       its previous definition, so that a typo does not silently stop it.
 * </ul>
 */
public final class JobRegistry {

  private static final Logger log = LoggerFactory.getLogger(JobRegistry.class);
  static final String ABSENT = "absent";

  private final Path file;
  private final JobFileLoader loader;
  private final ScheduleStateStore states;
  private final Clock clock;
  private volatile LoadedJobs current;
  private volatile String lastSeenHash = "";

  public JobRegistry(Path file, JobFileLoader loader, ScheduleStateStore states, Clock clock) {
    this.file = file;
    this.loader = loader;
    this.states = states;
    this.clock = clock;
    this.current = LoadedJobs.none(file.toString());
  }

  public LoadedJobs current() {
    return current;
  }

  public Path file() {
    return file;
  }

  /** The hash of the file's content now, when it differs from what the last reload saw. */
  public Optional<String> changedContent() {
    String hash = contentHash(file);
    return hash.equals(lastSeenHash) ? Optional.empty() : Optional.of(hash);
  }

  /** Loads the file again and applies it by the rules above. */
  public synchronized ReloadReport reload() {
    String source = file.toString();
    String hash = contentHash(file); // before reading: a change while loading shows as a change next time
    lastSeenHash = hash;
    LoadedJobs before = current;
    JobFile loaded = ABSENT.equals(hash) ? missingFile(source) : loader.load(file);

    if (!loaded.readable()) {
      current = before.withProblems(loaded.problems());
      log.error("job file {} was not applied; still running {} job(s) {}:\n{}", source, before.jobs().size(),
          before.names(), loaded.problemReport());
      return report(source, false, before, List.of(), List.of(), List.of(), List.of(), loaded.problems());
    }

    List<JobProblem> problems = new ArrayList<>(loaded.problems());
    Map<String, JobDefinition> next = new LinkedHashMap<>();
    for (JobDefinition job : loaded.jobs()) {
      List<JobProblem> refused = JobPreflight.check(job, source);
      if (refused.isEmpty()) {
        next.put(job.name(), job);
      } else {
        problems.addAll(refused);
      }
    }
    List<String> kept = new ArrayList<>();
    Set<String> namesWithProblems = new HashSet<>();
    problems.forEach(p -> {
      if (p.jobName() != null) {
        namesWithProblems.add(p.jobName());
      }
    });
    for (JobDefinition previous : before.jobs().values()) {
      if (namesWithProblems.contains(previous.name()) && !next.containsKey(previous.name())) {
        next.put(previous.name(), previous);
        kept.add(previous.name());
      }
    }

    JobSetDiff diff = JobSetDiff.between(before.jobs().values(), next.values());
    current = new LoadedJobs(source, next, problems, clock.instant());
    try {
      states.register(List.copyOf(next.keySet()));
      Map<String, Boolean> enabled = new HashMap<>();
      next.values().forEach(job -> enabled.put(job.name(), job.enabled()));
      states.setEnabled(enabled);
    } catch (RuntimeException e) {
      // The tick registers jobs it finds unregistered; the reload itself has been applied.
      log.warn("could not register jobs in schedule_state; the tick will retry: {}", e.toString());
    }

    List<String> added = names(diff.added());
    List<String> changed = names(diff.changed());
    List<String> removed = names(diff.removed());
    if (!diff.isEmpty() || !kept.isEmpty()) {
      log.info("job file {} loaded: {} job(s); added {}, changed {}, removed {}, kept previous {}", source,
          next.size(), added, changed, removed, kept);
    }
    if (!problems.isEmpty()) {
      log.warn("job file {} has {} problem(s):\n{}", source, problems.size(),
          String.join("\n", problems.stream().map(JobProblem::describe).toList()));
    }
    return report(source, true, current, added, changed, removed, kept, problems);
  }

  private static JobFile missingFile(String source) {
    return new JobFile(source, true, List.of(), List.of(new JobProblem(source, null, null, null, null,
        "file not found: no jobs are scheduled; create it (see the cron.toml format in docs/scheduler.md) or set"
            + " scheduler-service.jobs-file")));
  }

  private static ReloadReport report(String source, boolean applied, LoadedJobs jobs, List<String> added,
      List<String> changed, List<String> removed, List<String> kept, List<JobProblem> problems) {
    return new ReloadReport(source, applied, jobs.names(), added, changed, removed, kept,
        problems.stream().map(JobProblem::describe).toList());
  }

  private static List<String> names(List<JobDefinition> jobs) {
    return jobs.stream().map(JobDefinition::name).toList();
  }

  /** SHA-256 of the file's bytes; {@value #ABSENT} when there is no file; an error marker when unreadable. */
  static String contentHash(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
