package dev.workmesh.core;

/** A mission, task or agent that does not exist. */
public final class NotFoundException extends MeshException {

  private final String kind;
  private final Object id;

  public NotFoundException(String kind, Object id) {
    super(kind + " " + id + " does not exist");
    this.kind = kind;
    this.id = id;
  }

  public String kind() {
    return kind;
  }

  public Object id() {
    return id;
  }
}
