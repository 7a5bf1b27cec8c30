package dev.workmesh.testsupport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on a local port: the Kafka front of {@link dev.workmesh.testsupport.embedded.EmbeddedKafkaServer}
 * on a requested port, and the network faults of the tests. A one-way {@link #delay} holds every chunk of
 * bytes that long before passing it on, in order (a slow network: each request and each answer arrives
 * late, bandwidth unchanged); {@link #retarget} sends new connections to another port (a broker or a
 * service restarted elsewhere); {@link #cut} refuses new connections and resets open ones, and
 * {@link #restore} accepts them again. Hand-written: no library at hand forwards, delays and cuts in-process.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private volatile int[] targets;
  private final AtomicLong nextTarget = new AtomicLong();
  private volatile Duration delay;
  private volatile ServerSocket server;

  private final InetAddress address;

  private TcpProxy(InetAddress address, int port, int[] targets, Duration delay) throws IOException {
    this.address = address;
    this.targets = targets;
    this.delay = delay;
    ServerSocket socket = bind(port);
    this.port = socket.getLocalPort();
    listen(socket);
  }

  /** A proxy on any free port in front of {@code target}. */
  public static TcpProxy to(int target) throws IOException {
    return to(target, Duration.ZERO);
  }

  /** A proxy on any free port in front of {@code target}, delaying each direction by {@code delay}. */
  public static TcpProxy to(int target, Duration delay) throws IOException {
    return new TcpProxy(InetAddress.getLoopbackAddress(), 0, new int[] {target}, delay);
  }

  /**
   * A load balancer on any free port: each new connection goes to the next of {@code targets} that accepts
   * it (round robin, skipping a target that refuses), as a balancer in front of API replicas does.
   */
  public static TcpProxy balancing(int... targets) throws IOException {
    return new TcpProxy(InetAddress.getLoopbackAddress(), 0, targets, Duration.ZERO);
  }

  /** A proxy on {@code port}, forwarding to {@code target} (0: refuse until {@link #retarget}). */
  public static TcpProxy on(int port, int target) throws IOException {
    return on(InetAddress.getLoopbackAddress(), port, target);
  }

  /** A proxy on {@code address:port}, forwarding to {@code target} on loopback (0: refuse until {@link #retarget}). */
  public static TcpProxy on(InetAddress address, int port, int target) throws IOException {
    return new TcpProxy(address, port, new int[] {target}, Duration.ZERO);
  }

  private ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, port));
    return socket;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public long connectionsAccepted() {
    return connections.get();
  }

  public void retarget(int newTarget) {
    targets = new int[] {newTarget};
  }

  /** From now on connections are refused, and open ones are reset. */
  public synchronized void cut() {
    ServerSocket current = server;
    server = null;
    if (current != null) {
      closeQuietly(current);
    }
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /** Accepts connections again, forwarding them to {@code newTarget}. */
  public synchronized void restore(int newTarget) throws IOException {
    targets = new int[] {newTarget};
    if (server == null) {
      listen(bind(port));
    }
  }

  private void listen(ServerSocket socket) {
    server = socket;
    Thread.ofPlatform().daemon().name("tcp-proxy-" + socket.getLocalPort()).start(() -> {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          connections.incrementAndGet();
          forward(client);
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void forward(Socket client) {
    Socket upstream = null;
    int[] choices = targets;
    long first = nextTarget.getAndIncrement();
    for (int i = 0; i < choices.length && upstream == null; i++) {
      try {
        upstream = new Socket(InetAddress.getLoopbackAddress(), choices[(int) ((first + i) % choices.length)]);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        upstream = null; // this target is down: the next one
      }
    }
    if (upstream == null) {
      closeQuietly(client);
      return;
    }
    Socket server = upstream;
    sockets.add(client);
    sockets.add(server);
    Thread.ofVirtual().start(() -> pipe(client, server));
    Thread.ofVirtual().start(() -> pipe(server, client));
  }

  private record Chunk(byte[] bytes, long dueNanos) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      Duration lag = delay;
      if (lag.isZero()) {
        in.transferTo(out);
        return;
      }
      // A slow link: a reader stamps each chunk with when it may leave, a writer sends the chunks in order.
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Chunk chunk = queue.take();
            if (chunk == END) {
              break;
            }
            long wait = chunk.dueNanos() - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(Duration.ofNanos(wait)); // the network's latency, not a synchronisation
            }
            out.write(chunk.bytes());
            out.flush();
          }
        } catch (IOException | InterruptedException e) {
          // the link went away
        } finally {
          closeQuietly(from);
          closeQuietly(to);
        }
      });
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delay.toNanos()));
      }
      queue.add(END);
      writer.join();
    } catch (IOException e) {
      // one side went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(Closeable socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    cut();
  }
}
