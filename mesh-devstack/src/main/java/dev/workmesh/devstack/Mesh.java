package dev.workmesh.devstack;

import dev.workmesh.devstack.cli.MeshCli;
import java.util.Arrays;

/** Entry point of {@code ./mesh}: {@code dev} starts the whole mesh; every other command talks to one. */
public final class Mesh {

  private Mesh() {}

  public static void main(String[] args) {
    System.exit(new MeshCli(System.out, System.err).add(new DevCommand()).run(Arrays.asList(args)));
  }
}
