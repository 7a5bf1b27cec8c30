package dev.workmesh.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP/1.1 proxy for clients that cannot send an {@code Authorization} header (the MCP conformance
 * suite): it adds {@code Authorization: Bearer <token>} to each request and passes everything else through
 * byte for byte, Host and Origin included, so that the server's own checks see what the client sent. One
 * request per connection ({@code Connection: close} replaces whatever the client asked), so every request
 * carries the header; SSE answers stream through as they are written.
 *
 * <p>Written by hand because an HTTP client library would rewrite the Host header, which the DNS-rebinding
 * scenarios depend on.
 */
final class BearerTokenProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int target;
  private final String token;
  private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();

  BearerTokenProxy(int targetPort, String token) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = targetPort;
    this.token = token;
    connections.submit(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.submit(() -> relay(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
      InputStream fromClient = client.getInputStream();
      byte[] head = readHead(fromClient);
      if (head == null) {
        return;
      }
      OutputStream toServer = server.getOutputStream();
      toServer.write(withToken(new String(head, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
      toServer.flush();
      // The body (if any) to the server, the answer back to the client, until the server closes.
      connections.submit(() -> copy(fromClient, toServer));
      copy(server.getInputStream(), client.getOutputStream());
    } catch (IOException e) {
      // the client or the server went away: nothing to relay
    }
  }

  private String withToken(String head) {
    List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
    lines.removeIf(line -> {
      String name = line.contains(":") ? line.substring(0, line.indexOf(':')).strip() : "";
      return name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Connection");
    });
    lines.add("Authorization: Bearer " + token);
    lines.add("Connection: close");
    return String.join("\r\n", lines) + "\r\n\r\n";
  }

  /** The request line and headers, without the blank line that ends them; null when the client sent none. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        byte[] bytes = head.toByteArray();
        return java.util.Arrays.copyOf(bytes, bytes.length - 4);
      }
      if (head.size() > 64 * 1024) {
        return null;
      }
    }
    return null;
  }

  private static void copy(InputStream in, OutputStream out) {
    try {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    connections.shutdownNow();
  }
}
