package dev.workmesh.devstack.cli;

import dev.workmesh.core.MeshException;

/** No mesh to talk to: none configured, or it did not answer. Exit code 1. */
final class MeshUnreachableException extends MeshException {

  MeshUnreachableException(String message) {
    super(message);
  }
}
