package dev.workmesh.testsupport.embedded;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address a server listens on, and the host its clients are told to use. Loopback by default: a server
 * on a developer's machine answers that machine only until told otherwise.
 */
public record BindAddress(InetAddress address) {

  /** 127.0.0.1. */
  public static BindAddress loopback() {
    return new BindAddress(InetAddress.getLoopbackAddress());
  }

  /**
   * An IP address (not a host name: binding must not depend on DNS), e.g. {@code 127.0.0.1}, {@code 0.0.0.0}
   * for every interface, or one interface's address.
   *
   * @throws IllegalArgumentException saying what is expected
   */
  public static BindAddress parse(String text) {
    if (text == null || !text.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException("--bind takes an IP address such as 127.0.0.1 (loopback, the default),"
          + " 0.0.0.0 (every interface) or one interface's address, got '" + text + "'");
    }
    try {
      return new BindAddress(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind: '" + text + "' is not an IP address", e);
    }
  }

  /** The address as servers take it: {@code server.address}, PostgreSQL's {@code listen_addresses}. */
  public String listenHost() {
    return address.getHostAddress();
  }

  /** Where clients on this machine connect: {@code localhost} for loopback and every-interface binds. */
  public String connectHost() {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return "localhost";
    }
    return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
  }
}
