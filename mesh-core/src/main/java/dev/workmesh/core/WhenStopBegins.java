package dev.workmesh.core;

import org.springframework.context.SmartLifecycle;

/**
 * A step a service takes as soon as it begins to stop: in the first shutdown phase ({@link #PHASE}), before
 * the web server's graceful shutdown waits for requests in flight and before beans are destroyed. A
 * lifecycle that must still run after such a step takes a later phase ({@link #AFTER}).
 */
public abstract class WhenStopBegins implements SmartLifecycle {

  /** Stops first: higher phases stop earlier. */
  public static final int PHASE = Integer.MAX_VALUE;
  /** For lifecycles that must stop after these steps, yet before the web server's shutdown. */
  public static final int AFTER = PHASE - 1;

  private volatile boolean running;

  /** What to do when the service begins to stop; an exception is the subclass's to log. */
  protected abstract void onStopBegins();

  @Override
  public final void start() {
    running = true;
  }

  @Override
  public final void stop() {
    running = false;
    onStopBegins();
  }

  @Override
  public final boolean isRunning() {
    return running;
  }

  @Override
  public final int getPhase() {
    return PHASE;
  }
}
