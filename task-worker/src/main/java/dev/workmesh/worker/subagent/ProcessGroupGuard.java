package dev.workmesh.worker.subagent;

import java.io.BufferedReader;
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
 * <p>The reaper also answers whether a group still has a process ({@code kill -0}, a shell builtin: no
 * fork), which Java cannot ask: when a subagent exits, the worker looks through {@code /proc} for what it left
 * in its group only if the answer is yes. That look reads every process's {@code stat}, which the kernel
 * computes by walking all of a process's threads, so on a machine with JVMs and databases it cost several
 * milliseconds of CPU per subagent, most of a short one's supervision; the question is a line each way.
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
          [?]*) if kill -0 -"${line#?}" 2>/dev/null; then echo 1; else echo 0; fi ;;
          -*) kept=" "; for g in $groups; do [ "$g" = "${line#-}" ] || kept="$kept$g "; done; groups="$kept" ;;
        esac
      done
      for g in $groups; do kill -KILL -"$g" 2>/dev/null; done
      """;

  private final List<String> prefix;
  private final Process reaper;
  private final OutputStream reaperInput;
  private final BufferedReader reaperAnswers;
  private boolean reaperBroken;

  private ProcessGroupGuard(List<String> prefix, Process reaper) {
    this.prefix = prefix;
    this.reaper = reaper;
    this.reaperInput = reaper == null ? null : reaper.getOutputStream();
    this.reaperAnswers = reaper == null ? null : reaper.inputReader(StandardCharsets.US_ASCII);
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

  /**
   * Whether group {@code pgid} may still have a process (a zombie counts). True also when the reaper cannot
   * say (there is none, or it is gone), so that the caller then looks for itself; false means that none is
   * left, or none this user may signal.
   */
  synchronized boolean mayHaveMembers(long pgid) {
    if (!tell("?" + pgid)) {
      return true;
    }
    try {
      String answer = reaperAnswers.readLine();
      if (answer != null) {
        return !answer.equals("0");
      }
      broken("its output ended");
    } catch (IOException e) {
      broken(e.getMessage());
    }
    return true;
  }

  /** Writes one line to the reaper; false if there is no reaper or it is gone. */
  private synchronized boolean tell(String line) {
    if (reaperInput == null || reaperBroken) {
      return false;
    }
    try {
      reaperInput.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      reaperInput.flush();
      return true;
    } catch (IOException e) {
      broken(e.getMessage());
      return false;
    }
  }

  private void broken(String why) {
    reaperBroken = true;
    log.warn("The subagent group reaper (pid {}) is gone ({}); if this worker is killed, its subagents' children are stopped"
        + " only when it restarts", reaper.pid(), why);
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
