package dev.workmesh.worker.subagent;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes subagents die with their worker, even when the worker is killed with SIGKILL and has no
 * chance to stop them. {@link ProcessBuilder} can neither start a child in a session of its own nor
 * tie it to its parent's death, so each subagent is started through util-linux:
 *
 * <pre>setpriv --pdeathsig KILL -- setsid --wait -- &lt;argv&gt;</pre>
 *
 * <ul>
 *   <li>{@code setsid} puts it in a new session and process group whose id is its own pid (the
 *       child of the JVM is never a group leader, so setsid does not fork and the pid Java knows is
 *       the subagent's);
 *   <li>{@code setpriv --pdeathsig KILL} has the kernel SIGKILL it when the thread that started it
 *       exits: with the worker, or earlier if that thread were short-lived. {@link SubagentLauncher}
 *       therefore starts every subagent from platform threads that live as long as it does.
 * </ul>
 *
 * The death signal is not inherited by the subagent's own children (a shell's commands, the tools
 * an agent CLI runs). For those, a tiny reaper runs beside the worker: a {@code sh} in a session
 * of its own that reads "+group" and "-group" lines on its stdin and, when stdin reaches end of file
 * (the worker is gone, however it ended; only the worker holds the pipe), SIGKILLs every group still
 * listed. Should the reaper itself be killed, the worker's start-up reconciliation kills the groups
 * recorded in the attempt directories before it claims anything.
 *
 * <p>Where there is no {@code /proc} (not Linux), subagents start directly and nothing of this
 * applies; on Linux a missing {@code setsid} or {@code setpriv} is an error that names the package.
 */
final class ProcessGroupGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProcessGroupGuard.class);
  /** The name the reaper shows in {@code ps}. */
  static final String REAPER_NAME = "workmesh-group-reaper";
  private static final String REAPER_SCRIPT =
      """
      groups=" "
      while IFS= read -r line; do
        case "$line" in
          +*) groups="$groups${line#+} " ;;
          -*) kept=" "; for g in $groups; do [ "$g" = "${line#-}" ] || kept="$kept$g "; done; groups="$kept" ;;
        esac
      done
      for g in $groups; do kill -KILL -"$g" 2>/dev/null; done
      """;

  private final List<String> prefix;
  private final Process reaper;
  private final OutputStream reaperInput;
  private boolean reaperBroken;

  private ProcessGroupGuard(List<String> prefix, Process reaper) {
    this.prefix = prefix;
    this.reaper = reaper;
    this.reaperInput = reaper == null ? null : reaper.getOutputStream();
  }

  /**
   * Finds {@code setsid} and {@code setpriv} and starts the reaper.
   *
   * @throws IllegalStateException on Linux when util-linux's {@code setsid} or {@code setpriv} is missing
   */
  static ProcessGroupGuard start(ExecutableLocator locator) {
    if (!ProcessGroups.supported()) {
      log.warn("No /proc on this system: subagents run in the worker's process group and may outlive a worker that is killed");
      return new ProcessGroupGuard(List.of(), null);
    }
    Path setsid = require(locator, "setsid");
    Path setpriv = require(locator, "setpriv");
    Process reaper;
    try {
      reaper =
          new ProcessBuilder(setsid.toString(), "sh", "-c", REAPER_SCRIPT, REAPER_NAME)
              .directory(new File("/"))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the subagent group reaper (sh): " + e.getMessage(), e);
    }
    return new ProcessGroupGuard(
        List.of(setpriv.toString(), "--pdeathsig", "KILL", "--", setsid.toString(), "--wait", "--"), reaper);
  }

  private static Path require(ExecutableLocator locator, String binary) {
    return locator.locate(binary).orElseThrow(() -> new IllegalStateException(
        "task-worker needs '" + binary + "' on PATH to start subagents in a process group of their own that dies with the"
            + " worker; install util-linux (Debian/Ubuntu: apt-get install util-linux; RHEL: dnf install util-linux)"));
  }

  /** Whether subagents get a process group of their own (false only where there is no /proc). */
  boolean isolates() {
    return !prefix.isEmpty();
  }

  /** The command that starts {@code argv} in a session of its own, tied to the starting thread's life. */
  List<String> command(List<String> argv) {
    List<String> command = new ArrayList<>(prefix.size() + argv.size());
    command.addAll(prefix);
    command.addAll(argv);
    return command;
  }

  /** From now on the reaper kills group {@code pgid} if the worker dies. */
  void watch(long pgid) {
    tell("+" + pgid);
  }

  /** The group has ended: its id may be reused by anyone, so the reaper must not kill it any more. */
  void forget(long pgid) {
    tell("-" + pgid);
  }

  private synchronized void tell(String line) {
    if (reaperInput == null || reaperBroken) {
      return;
    }
    try {
      reaperInput.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      reaperInput.flush();
    } catch (IOException e) {
      reaperBroken = true;
      log.warn("The subagent group reaper (pid {}) is gone ({}); if this worker is killed, its subagents' children are stopped"
          + " only when it restarts", reaper.pid(), e.getMessage());
    }
  }

  /** Ends the reaper, which kills every group still listed: call once no subagent should run any more. */
  @Override
  public synchronized void close() {
    if (reaper == null) {
      return;
    }
    try {
      reaperInput.close();
      if (!reaper.waitFor(5, TimeUnit.SECONDS)) {
        reaper.destroyForcibly();
      }
    } catch (IOException e) {
      reaper.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reaper.destroyForcibly();
    }
  }
}
