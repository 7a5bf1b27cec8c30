package dev.workmesh.devstack;

import dev.workmesh.devstack.cli.MeshCli;
import java.util.Arrays;
import java.util.Map;

/** Entry point of {@code ./mesh}: {@code dev} starts the whole mesh; every other command talks to one. */
public final class Mesh {

  /**
   * Logging switched off for a CLI call, which prints what it has to say itself: Spring's commons-logging
   * and Micrometer's SLF4J would otherwise start Logback (its XML configuration and some 600 classes),
   * which costs a call about a third of its CPU. Only {@code ./mesh dev} runs services that log.
   */
  private static final Map<String, String> NO_LOGGING = Map.of(
      "org.apache.commons.logging.LogFactory", "org.apache.commons.logging.impl.LogFactoryImpl",
      "org.apache.commons.logging.Log", "org.apache.commons.logging.impl.NoOpLog",
      "slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider",
      "slf4j.internal.verbosity", "WARN");

  private Mesh() {}

  public static void main(String[] args) {
    if (args.length == 0 || !args[0].equals("dev")) {
      NO_LOGGING.forEach((key, value) -> System.setProperty(key, System.getProperty(key, value)));
    }
    System.exit(new MeshCli(System.out, System.err).add(new DevCommand()).run(Arrays.asList(args)));
  }
}
