package dev.workmesh.devstack.cli;

import dev.workmesh.core.MeshException;

/** The command line is wrong: a missing argument, an unknown option or a value of the wrong kind. Exit code 2. */
final class BadUsageException extends MeshException {

  BadUsageException(String message) {
    super(message);
  }
}
