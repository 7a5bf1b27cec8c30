package dev.workmesh.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a fixed local port in front of mesh-api: a test cuts it to make the API
 * unreachable for one worker (connections refused, open ones reset) and restores it, possibly towards
 * another API instance.
 */
final class TcpProxy implements AutoCloseable {

  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile int target;
  private volatile ServerSocket server;

  private TcpProxy(int target) throws IOException {
    this.target = target;
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.port = socket.getLocalPort();
    listen(socket);
  }

  static TcpProxy to(int target) throws IOException {
    return new TcpProxy(target);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** From now on connections are refused, and open ones are reset. */
  synchronized void cut() throws IOException {
    ServerSocket current = server;
    server = null;
    if (current != null) {
      current.close();
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Accepts connections again, forwarding them to {@code newTarget}. */
  synchronized void restore(int newTarget) throws IOException {
    target = newTarget;
    if (server == null) {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listen(socket);
    }
  }

  private void listen(ServerSocket socket) {
    server = socket;
    Thread.ofPlatform().daemon().name("tcp-proxy-" + port).start(() -> {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          forward(client);
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void forward(Socket client) {
    Socket upstream;
    try {
      upstream = new Socket(InetAddress.getLoopbackAddress(), target);
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    sockets.add(client);
    sockets.add(upstream);
    Thread.ofVirtual().start(() -> pipe(client, upstream));
    Thread.ofVirtual().start(() -> pipe(upstream, client));
  }

  private void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
