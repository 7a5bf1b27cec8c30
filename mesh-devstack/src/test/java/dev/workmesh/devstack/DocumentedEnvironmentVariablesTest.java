package dev.workmesh.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Every environment variable the documentation's tables name (README.md and docs/*.md) does something:
 * a service's configuration file reads it ({@code ${NAME:default}}, or {@code ${some.property:default}} that
 * Spring resolves from {@code SOME_PROPERTY}), code reads it (a string literal, a
 * picocli {@code ${env:NAME}}, the launcher scripts), or Spring's relaxed binding maps it onto a component
 * of a service's {@code @ConfigurationProperties} record. A column headed "env" holds variable names only.
 */
class DocumentedEnvironmentVariablesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z][a-z0-9.-]*)[:}]");
  private static final Pattern ENV_CELL = Pattern.compile("(`[A-Z][A-Z0-9_]*`)(\\s*(,|or)\\s*`[A-Z][A-Z0-9_]*`)*");

  @Test
  void everyVariableTheDocumentationsTablesNameIsReadBySomething() throws IOException {
    Map<String, Set<String>> documented = documentedVariables();
    assertThat(documented).as("variables named in the documentation's tables")
        .containsKeys("MESH_API_URL", "MESH_DB_URL", "MESH_BIND", "MCP_SERVER_MAX_WAIT",
            "SCHEDULER_SERVICE_OPERATOR_TOKEN");
    String configFiles = read(files("src/main/resources", ".yml", ".properties"));
    String code = read(files("src/main/java", ".java"));
    String scripts = read(Stream.concat(Stream.of(ROOT.resolve("mesh")), list(ROOT.resolve("bin"))).toList());
    List<String> boundKeys = configurationPropertyKeys();
    List<String> placeholders = PLACEHOLDER.matcher(configFiles).results().map(m -> m.group(1)).toList();
    List<String> unread = new ArrayList<>();
    documented.forEach((variable, where) -> {
      boolean read = configFiles.contains("${" + variable + ":") || configFiles.contains("${" + variable + "}")
          || code.contains("\"" + variable + "\"") || code.contains("${env:" + variable)
          || Pattern.compile("\\$\\{?" + variable + "\\b").matcher(scripts).find()
          || resolvesAPlaceholder(variable, placeholders) || bindsAProperty(variable, boundKeys);
      if (!read) {
        unread.add(variable + " (" + String.join(", ", where) + ")");
      }
    });
    assertThat(unread).as("documented environment variables that nothing reads").isEmpty();
  }

  @Test
  void aColumnOfEnvironmentVariablesHoldsVariableNamesOnly() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Path page : pages()) {
      int envColumn = -1;
      for (String line : Files.readAllLines(page)) {
        if (!line.startsWith("|")) {
          envColumn = -1;
          continue;
        }
        List<String> cells = cells(line);
        if (envColumn < 0) {
          envColumn = cells.indexOf("env") >= 0 ? cells.indexOf("env") : cells.indexOf("environment");
          envColumn = envColumn < 0 ? Integer.MIN_VALUE : envColumn;
        } else if (envColumn < cells.size() && !cells.get(envColumn).matches("-*|" + ENV_CELL.pattern())) {
          wrong.add(ROOT.relativize(page) + ": " + cells.get(envColumn));
        }
      }
    }
    assertThat(wrong).as("cells of an environment column that are not variable names").isEmpty();
  }

  private static Map<String, Set<String>> documentedVariables() throws IOException {
    Map<String, Set<String>> variables = new java.util.TreeMap<>();
    for (Path page : pages()) {
      for (String line : Files.readAllLines(page)) {
        if (line.startsWith("|")) {
          Matcher m = VARIABLE.matcher(line);
          while (m.find()) {
            variables.computeIfAbsent(m.group(1), v -> new LinkedHashSet<>()).add(ROOT.relativize(page).toString());
          }
        }
      }
    }
    return variables;
  }

  /** A {@code ${some.property:default}} of a configuration file, which Spring resolves from the environment. */
  private static boolean resolvesAPlaceholder(String variable, List<String> placeholders) {
    var environment = new SystemEnvironmentPropertySource("env", Map.of(variable, "set"));
    return placeholders.stream().anyMatch(environment::containsProperty);
  }

  /** Spring's own mapping of an environment variable onto property names, as a service would see it. */
  private static boolean bindsAProperty(String variable, List<String> keys) {
    ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "set")));
    return keys.stream()
        .anyMatch(key -> source.getConfigurationProperty(ConfigurationPropertyName.of(key)) != null);
  }

  /** Every key of every service's {@code @ConfigurationProperties} record, nested records included. */
  private static List<String> configurationPropertyKeys() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<String> keys = new ArrayList<>();
    int records = 0;
    for (var candidate : scanner.findCandidateComponents("dev.workmesh")) {
      Class<?> type;
      try {
        type = Class.forName(candidate.getBeanClassName());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      if (type.isRecord() && annotation != null) {
        records++;
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        addKeys(prefix, type, keys, 0);
      }
    }
    assertThat(records).as("services' configuration records found").isGreaterThanOrEqualTo(5);
    return keys;
  }

  private static void addKeys(String prefix, Class<?> record, List<String> keys, int depth) {
    for (RecordComponent component : record.getRecordComponents()) {
      String key = prefix + "." + component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
      keys.add(key);
      if (component.getType().isRecord() && depth < 3) {
        addKeys(key, component.getType(), keys, depth + 1);
      }
    }
  }

  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    for (String cell : row.substring(1).split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }

  private static List<Path> pages() throws IOException {
    return Stream.concat(Stream.of(ROOT.resolve("README.md")),
        list(ROOT.resolve("docs")).filter(p -> p.toString().endsWith(".md"))).toList();
  }

  private static List<Path> files(String under, String... endings) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve(under))).toList()) {
        try (Stream<Path> tree = Files.walk(module.resolve(under))) {
          tree.filter(p -> Stream.of(endings).anyMatch(e -> p.toString().endsWith(e))).forEach(found::add);
        }
      }
    }
    return found;
  }

  private static Stream<Path> list(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.sorted().toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String read(List<Path> files) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path file : files) {
      text.append(Files.readString(file)).append('\n');
    }
    return text.toString();
  }
}
