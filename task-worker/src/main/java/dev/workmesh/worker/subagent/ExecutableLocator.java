package dev.workmesh.worker.subagent;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finds a binary the way a shell would: a name on PATH, or a path as given. */
final class ExecutableLocator {

  private final List<Path> searchPath;

  ExecutableLocator(String pathVariable) {
    this.searchPath =
        pathVariable == null
            ? List.of()
            : Arrays.stream(pathVariable.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(Path::of).toList();
  }

  static ExecutableLocator fromEnvironment() {
    return new ExecutableLocator(System.getenv("PATH"));
  }

  Optional<Path> locate(String binary) {
    try {
      if (binary.contains("/")) {
        return Optional.of(Path.of(binary).toAbsolutePath()).filter(ExecutableLocator::isExecutableFile);
      }
      return searchPath.stream().map(dir -> dir.resolve(binary)).filter(ExecutableLocator::isExecutableFile).findFirst();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static boolean isExecutableFile(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }
}
