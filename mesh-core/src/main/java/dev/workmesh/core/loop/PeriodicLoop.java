package dev.workmesh.core.loop;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every periodic loop of the mesh: on its own daemon thread ({@code mesh-loop-<name>}), runs its named
 * steps, in order, one interval (with optional jitter, so that replicas drift apart) after the previous
 * tick ended. A step that throws is logged and counted, and the loop goes on: loops never die silently.
 * A step that handled a full batch runs again at once (up to {@value #MAX_REPEATS} times in a tick; then
 * the next tick follows at once). An optional {@link Gate} decides whether a tick runs its steps at all:
 * {@code MaintenanceLoop} is this loop behind a leader lease. {@link #wake()} starts the next tick early.
 * Meters: {@link LoopMetrics}.
 */
public final class PeriodicLoop implements AutoCloseable {

  /** One named piece of work of a loop. */
  public interface Step {
    String name();

    /** Does one run; returns how many items it handled. */
    int runOnce();

    /** The batch size: a run that handled this many items runs again at once. */
    default int batch() {
      return Integer.MAX_VALUE;
    }

    /** A step that does {@code body} and counts no items. */
    static Step of(String name, Runnable body) {
      return counting(name, () -> {
        body.run();
        return 0;
      });
    }

    /** A step whose {@code body} returns how many items it handled. */
    static Step counting(String name, IntSupplier body) {
      return batched(name, Integer.MAX_VALUE, body);
    }

    /** A step that runs again at once while {@code body} handles {@code batch} items. */
    static Step batched(String name, int batch, IntSupplier body) {
      return new Batched(name, batch, body);
    }
  }

  private record Batched(String name, int batch, IntSupplier body) implements Step {
    @Override
    public int runOnce() {
      return body.getAsInt();
    }
  }

  /** Decides whether a tick runs the steps; counted as a step of its own name. */
  public interface Gate {
    String name();

    /** Asked at the start of each tick; a throw closes the gate for this tick. */
    boolean open();

    /** Asked before each run of a step within an open tick. */
    default boolean stillOpen() {
      return true;
    }
  }

  static final int MAX_REPEATS = 50;
  private static final Logger log = LoggerFactory.getLogger(PeriodicLoop.class);

  private final String name;
  private final Duration interval;
  private final double jitter;
  private final Duration firstRunAfter;
  private final Duration stopWithin;
  private final Gate gate;
  private final List<Counted> steps;
  private final Counted gateRuns;
  private final LoopMetrics metrics;
  private final Semaphore wake = new Semaphore(0);
  private final Object ticking = new Object();
  private volatile boolean stopping;
  private volatile Thread thread;

  private PeriodicLoop(Builder builder) {
    if (builder.interval.isNegative() || builder.interval.isZero()) {
      throw new IllegalArgumentException("loop " + builder.name + ": interval must be positive, got " + builder.interval);
    }
    if (builder.jitter < 0 || builder.jitter >= 1) {
      throw new IllegalArgumentException("loop " + builder.name + ": jitter must be in [0, 1), got " + builder.jitter);
    }
    if (builder.steps.isEmpty()) {
      throw new IllegalArgumentException("loop " + builder.name + " has no step");
    }
    this.name = builder.name;
    this.interval = builder.interval;
    this.jitter = builder.jitter;
    this.firstRunAfter = builder.firstRunAfter;
    this.stopWithin = builder.stopWithin;
    this.gate = builder.gate;
    this.metrics = new LoopMetrics(builder.meters == null ? new SimpleMeterRegistry() : builder.meters);
    this.steps = builder.steps.stream().map(Counted::new).toList();
    this.gateRuns = gate == null ? null : new Counted(Step.of(gate.name(), () -> {}));
  }

  /** A loop called {@code name} (its metric label and thread name) that ticks every {@code interval}. */
  public static Builder every(String name, Duration interval) {
    return new Builder(name, interval);
  }

  /** Starts ticking on the loop's own thread; the first tick comes after {@code firstRunAfter} (at once by default). */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("loop " + name + " was started already");
    }
    thread = Thread.ofPlatform().daemon().name("mesh-loop-" + name).start(this::run);
  }

  private void run() {
    Duration delay = firstRunAfter;
    while (!stopping) {
      if (!delay.isZero() && !waitOrWake(delay)) {
        return;
      }
      if (stopping) {
        return;
      }
      delay = tickLeavingMore() ? Duration.ZERO : jittered();
    }
  }

  /** Waits {@code delay} or until woken; false once the loop is stopping. */
  private boolean waitOrWake(Duration delay) {
    try {
      wake.tryAcquire(delay.toNanos(), TimeUnit.NANOSECONDS);
      wake.drainPermits();
      return !stopping;
    } catch (InterruptedException e) {
      return !stopping; // a step may leave its thread interrupted: only a stop ends the loop
    }
  }

  /** Starts the next tick now rather than after the rest of the interval. */
  public void wake() {
    wake.release();
  }

  /**
   * One tick on the caller's thread (tests tick by hand, without {@link #start()}): the gate, then each
   * step. Returns whether the gate was open.
   */
  public boolean tick() {
    return tickOnce() != Tick.CLOSED;
  }

  private boolean tickLeavingMore() {
    return tickOnce() == Tick.MORE;
  }

  private enum Tick { CLOSED, DONE, MORE }

  private Tick tickOnce() {
    synchronized (ticking) {
      if (gate != null && !openGate()) {
        return Tick.CLOSED;
      }
      boolean more = false;
      for (Counted step : steps) {
        more |= step.runRepeating();
      }
      return more ? Tick.MORE : Tick.DONE;
    }
  }

  private boolean openGate() {
    long start = System.nanoTime();
    try {
      boolean open = gate.open();
      gateRuns.succeeded(start, 0);
      return open;
    } catch (RuntimeException e) {
      gateRuns.failed(start, e);
      return false;
    }
  }

  private Duration jittered() {
    long nanos = interval.toNanos();
    long spread = (long) (nanos * jitter);
    return spread == 0 ? interval : Duration.ofNanos(nanos - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1));
  }

  public String name() {
    return name;
  }

  /**
   * Stops the loop: no tick starts after this, a wait ends at once, and a run in progress is interrupted
   * and given {@code stopWithin} to end. Returns within that bound even if the run ignores the interrupt.
   */
  @Override
  public void close() {
    stopping = true;
    Thread running = thread;
    if (running == null || running == Thread.currentThread()) {
      return;
    }
    running.interrupt();
    try {
      if (!running.join(stopWithin)) {
        log.warn("loop '{}' did not stop within {}; leaving its run to end by itself", name, stopWithin);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A step with its meters and its run of consecutive failures (logged in full once, then in a line). */
  private final class Counted {
    private final Step step;
    private int failuresInARow;

    Counted(Step step) {
      this.step = step;
      metrics.register(name, step.name());
    }

    /** Runs the step, again while it handles full batches; true if it still had a full batch at the cap. */
    boolean runRepeating() {
      for (int repeat = 0; repeat < MAX_REPEATS; repeat++) {
        if (stopping || (gate != null && !gate.stillOpen())) {
          return false;
        }
        long start = System.nanoTime();
        int done;
        try {
          done = step.runOnce();
        } catch (RuntimeException | Error e) {
          failed(start, e);
          return false;
        }
        succeeded(start, done);
        if (done < step.batch()) {
          return false;
        }
      }
      return true;
    }

    void succeeded(long start, int items) {
      metrics.succeeded(name, step.name(), Duration.ofNanos(System.nanoTime() - start), items);
      if (failuresInARow > 0) {
        log.info("loop '{}' step '{}' works again after {} failed run(s)", name, step.name(), failuresInARow);
        failuresInARow = 0;
      }
    }

    void failed(long start, Throwable e) {
      if (stopping) {
        log.debug("loop '{}' step '{}' ended by the stop: {}", name, step.name(), e.toString());
        return;
      }
      metrics.failed(name, step.name(), Duration.ofNanos(System.nanoTime() - start));
      if (failuresInARow++ == 0) {
        log.warn("loop '{}' step '{}' failed; the loop goes on (next tick in about {})", name, step.name(), interval, e);
      } else {
        log.warn("loop '{}' step '{}' failed again ({} in a row): {}", name, step.name(), failuresInARow, e.toString());
      }
    }
  }

  /** Settings of a loop; only the name, interval and steps are required. */
  public static final class Builder {
    private final String name;
    private final Duration interval;
    private final List<Step> steps = new ArrayList<>();
    private double jitter;
    private Duration firstRunAfter = Duration.ZERO;
    private Duration stopWithin = Duration.ofSeconds(5);
    private Gate gate;
    private MeterRegistry meters;

    private Builder(String name, Duration interval) {
      this.name = name;
      this.interval = interval;
    }

    /** The single step, named after the loop. */
    public Builder running(Runnable body) {
      return step(Step.of(name, body));
    }

    public Builder step(Step step) {
      steps.add(step);
      return this;
    }

    public Builder steps(List<? extends Step> more) {
      steps.addAll(more);
      return this;
    }

    /** Each wait is the interval plus or minus this fraction of it, at random (default 0: none). */
    public Builder jitter(double fraction) {
      this.jitter = fraction;
      return this;
    }

    /** Delay before the first tick (default none). */
    public Builder firstRunAfter(Duration delay) {
      this.firstRunAfter = delay;
      return this;
    }

    /** How long {@link #close()} waits for a run in progress after interrupting it (default 5s). */
    public Builder stopWithin(Duration bound) {
      this.stopWithin = bound;
      return this;
    }

    public Builder gate(Gate gate) {
      this.gate = gate;
      return this;
    }

    public Builder meters(MeterRegistry meters) {
      this.meters = meters;
      return this;
    }

    public PeriodicLoop build() {
      return new PeriodicLoop(this);
    }

    /** Builds and starts the loop. */
    public PeriodicLoop start() {
      PeriodicLoop loop = build();
      loop.start();
      return loop;
    }
  }
}
