package dev.workmesh.devstack.cli;

import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/**
 * A command of {@code ./mesh} that talks to the mesh: {@link MeshCli} hands it the shared connection when
 * picocli builds it, so a command declares only its options and what it does.
 */
abstract class MeshCommand implements Callable<Integer> {

  /** Where the command prints, and the mesh it talks to; set before it runs. */
  MeshConnection mesh;

  /** A command on one task, named by its id. */
  abstract static class OnTask extends MeshCommand {
    @Parameters(paramLabel = "ID", converter = OptionValues.TaskId.class)
    UUID id;
  }
}
