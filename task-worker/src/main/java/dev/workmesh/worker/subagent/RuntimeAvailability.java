package dev.workmesh.worker.subagent;

import java.util.List;

/**
 * Which runtimes this worker can run now: it advertises {@code available} and logs {@code missing}.
 *
 * @param available names of runtimes whose binary was found (or that need none)
 * @param missing runtimes whose binary was not found, with the binary looked for
 */
public record RuntimeAvailability(List<String> available, List<Missing> missing) {

  public RuntimeAvailability {
    available = List.copyOf(available);
    missing = List.copyOf(missing);
  }

  /** A runtime that cannot run here because {@code binary} is not on PATH or not executable. */
  public record Missing(String runtime, String binary) {}
}
