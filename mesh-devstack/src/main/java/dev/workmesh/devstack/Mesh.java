package dev.workmesh.devstack;

import dev.workmesh.devstack.cli.MeshCli;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/** Entry point of {@code ./mesh}: {@code dev} starts the whole mesh; everything else is the operator CLI. */
public final class Mesh {

  private Mesh() {}

  public static void main(String[] args) throws Exception {
    List<String> argv = Arrays.asList(args);
    if (!argv.isEmpty() && argv.getFirst().equals("dev")) {
      System.exit(dev(argv.subList(1, argv.size())));
    }
    System.exit(new MeshCli(System.out, System.err).run(argv));
  }

  private static int dev(List<String> args) throws InterruptedException {
    DevOptions options;
    try {
      if (args.contains("--help") || args.contains("-h")) {
        System.out.println(DevOptions.USAGE);
        return 0;
      }
      options = DevOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    long start = System.nanoTime();
    System.out.println("Starting the Workmesh dev stack in " + options.dataDir());
    DevStack stack;
    try {
      stack = new DevStack(options).start(what -> System.out.println("  starting " + what + " ..."));
    } catch (DataDirInUseException e) {
      System.err.println("\nThe dev stack did not start: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.err.println("\nThe dev stack could not start: " + rootMessage(e));
      System.err.println("If a port is taken, pick others (./mesh dev --help); to start over, add --fresh.");
      return 1;
    }
    // Ctrl-C and SIGTERM stop the stack in order (services, then Kafka, then PostgreSQL) before the JVM
    // begins to exit; relying on shutdown hooks alone would race the servers' own hooks.
    // A second Ctrl-C ends the worker's shutdown grace: its running attempts stop now and their tasks go back.
    CountDownLatch stopRequested = new CountDownLatch(1);
    AtomicInteger signals = new AtomicInteger();
    for (String signal : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(signal), s -> {
        if (signals.incrementAndGet() == 1) {
          stopRequested.countDown();
        } else {
          System.out.println("Stopping now: running attempts are stopped and their tasks released ...");
          stack.endShutdownGrace();
        }
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "mesh-dev-stop"));
    System.out.println(Banner.text(stack, DevStack.since(start)));
    stopRequested.await();
    System.out.println("\nStopping the dev stack ...");
    stack.stopWaitsFor().ifPresent(System.out::println);
    stack.close();
    System.out.println("Stopped. State is kept in " + options.dataDir());
    return 0;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t.getMessage() + ")";
  }
}
