package dev.workmesh.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.workmesh.worker.subagent.FakeAgent;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in fake agent made cheap to start, for tests that spawn hundreds of them on a small
 * machine: the same {@link FakeAgent} class, on a class path of four jars instead of the whole test
 * class path, with a class-data-sharing archive made once per JVM (JDK 13+ dynamic CDS), which cuts
 * each spawn's CPU time by about two thirds. Configured as an extra runtime named {@code fake}, it
 * replaces the built-in one on the workers that use it.
 */
final class ArchivedFakeRuntime {

  private static Map<String, Object> keys;

  private ArchivedFakeRuntime() {}

  /** {@code task-worker.extra-runtimes[0].*} keys defining the runtime (the index is {@code index}). */
  static synchronized Map<String, Object> keys(int index) {
    if (keys == null) {
      keys = build();
    }
    Map<String, Object> indexed = new LinkedHashMap<>();
    keys.forEach((k, v) -> indexed.put("extra-runtimes[" + index + "]." + k, v));
    return indexed;
  }

  private static Map<String, Object> build() {
    try {
      Path dir = Files.createTempDirectory("archived-fake");
      dir.toFile().deleteOnExit();
      Path jar = dir.resolve("fake-agent.jar");
      String entry = FakeAgent.class.getName().replace('.', '/') + ".class";
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
          var in = FakeAgent.class.getClassLoader().getResourceAsStream(entry)) {
        out.putNextEntry(new JarEntry(entry));
        in.transferTo(out);
        out.closeEntry();
      }
      String classPath = String.join(":", jar.toString(), jarOf(JsonMapper.class), jarOf(JsonParser.class), jarOf(JsonProperty.class));
      String java = ProcessHandle.current().info().command().orElseThrow();
      Path archive = dir.resolve("fake-agent.jsa");
      List<String> common = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, FakeAgent.class.getName());
      List<String> dump = new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + archive));
      dump.addAll(common);
      dump.add("{\"fake\": {\"output\": \"warm-up\"}}");
      Process process = new ProcessBuilder(dump).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      process.waitFor(60, TimeUnit.SECONDS);
      List<String> args = new ArrayList<>();
      if (Files.isRegularFile(archive)) {
        args.add("-XX:SharedArchiveFile=" + archive);
      }
      args.addAll(common);
      args.add("{input}");
      Map<String, Object> runtime = new LinkedHashMap<>();
      runtime.put("name", "fake");
      runtime.put("binary", java);
      for (int i = 0; i < args.size(); i++) {
        runtime.put("args[" + i + "]", args.get(i));
      }
      return runtime;
    } catch (IOException | InterruptedException | URISyntaxException e) {
      throw new IllegalStateException("cannot prepare the archived fake runtime", e);
    }
  }

  private static String jarOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
