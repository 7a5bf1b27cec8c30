package dev.workmesh.core.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The one metric scheme of every loop in the mesh, on {@code /actuator/prometheus} as:
 *
 * <ul>
 *   <li>{@code mesh_loop_runs_total{loop, step, outcome}}: runs of each step, {@code outcome} {@code ok} or
 *       {@code error} (the step threw; the loop goes on);
 *   <li>{@code mesh_loop_duration_seconds{loop, step}}: how long the runs took;
 *   <li>{@code mesh_loop_items_total{loop, step}}: items the runs handled (rows swept, records sent).
 * </ul>
 *
 * A loop with a single step names the step after itself. Loops that are not periodic (a Kafka consumer's
 * poll loop) count their failed runs here too, through {@link #failed(String, String)}.
 */
public final class LoopMetrics {

  public static final String RUNS = "mesh.loop.runs";
  public static final String DURATION = "mesh.loop.duration";
  public static final String ITEMS = "mesh.loop.items";

  private final MeterRegistry meters;

  public LoopMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Registers a step's meters at zero, so that a rate over them is defined before its first run. */
  void register(String loop, String step) {
    runs(loop, step, "ok");
    runs(loop, step, "error");
    duration(loop, step);
    items(loop, step);
  }

  void succeeded(String loop, String step, Duration took, int items) {
    runs(loop, step, "ok").increment();
    duration(loop, step).record(took);
    items(loop, step).increment(items);
  }

  void failed(String loop, String step, Duration took) {
    runs(loop, step, "error").increment();
    duration(loop, step).record(took);
  }

  /** One failed run of {@code step} in a loop that is not a {@link PeriodicLoop} and times nothing. */
  public void failed(String loop, String step) {
    runs(loop, step, "error").increment();
  }

  private Counter runs(String loop, String step, String outcome) {
    return Counter.builder(RUNS)
        .description("Runs of each loop step, by outcome (ok, or error: the step threw and the loop went on)")
        .tag("loop", loop).tag("step", step).tag("outcome", outcome)
        .register(meters);
  }

  private Timer duration(String loop, String step) {
    return Timer.builder(DURATION).description("How long the runs of each loop step took")
        .tag("loop", loop).tag("step", step)
        .register(meters);
  }

  private Counter items(String loop, String step) {
    return Counter.builder(ITEMS).description("Items each loop step handled")
        .tag("loop", loop).tag("step", step)
        .register(meters);
  }
}
