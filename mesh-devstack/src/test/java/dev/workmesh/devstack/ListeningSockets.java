package dev.workmesh.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The addresses the kernel has TCP sockets listening on for a port, read from /proc/net/tcp and tcp6
 * (and /proc/self/fd for this JVM's own). */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  static Set<InetAddress> on(int port) {
    Set<InetAddress> addresses = new HashSet<>();
    for (String[] socket : listening()) {
      String[] local = socket[1].split(":");
      if (Integer.parseInt(local[1], 16) == port) {
        addresses.add(address(local[0]));
      }
    }
    return addresses;
  }

  /** Every address and port this JVM listens on: the listening sockets whose inode is one of its descriptors. */
  static Set<InetSocketAddress> ofThisProcess() {
    Set<String> inodes = socketInodesOfThisProcess();
    Set<InetSocketAddress> sockets = new HashSet<>();
    for (String[] socket : listening()) {
      if (inodes.contains(socket[9])) {
        String[] local = socket[1].split(":");
        sockets.add(new InetSocketAddress(address(local[0]), Integer.parseInt(local[1], 16)));
      }
    }
    return sockets;
  }

  private static List<String[]> listening() {
    List<String[]> sockets = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table, e);
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.strip().split("\\s+");
        if (f[3].equals(LISTEN)) {
          sockets.add(f);
        }
      }
    }
    return sockets;
  }

  private static Set<String> socketInodesOfThisProcess() {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : descriptors.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while listing has no socket to report
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
    return inodes;
  }

  /** /proc prints each 32-bit word of the address in host (little-endian) byte order. */
  private static InetAddress address(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
