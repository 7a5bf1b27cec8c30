package dev.workmesh.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The report as JSON (snake_case, like the API), for tools that track figures across runs. */
public final class ResultsJson {

  private static final JsonMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private ResultsJson() {}

  public static void write(BenchReport report, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, JSON.writeValueAsString(report) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the results to " + file + ": " + e.getMessage(), e);
    }
  }

  public static String toJson(BenchReport report) {
    return JSON.writeValueAsString(report);
  }
}
