package dev.workmesh.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.web.client.ResourceAccessException;

/**
 * The client of a short-lived process calls a plain {@code http://} mesh over another transport than the
 * default client; what a caller sees is the same for both: the token on every request, JSON answers, the
 * server's problem details, a POST without a body, and a mesh that does not answer.
 */
class ShortLivedClientTest {

  private static final String TASK = "0190b7a4-0000-7000-8000-000000000002";

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private HttpServer api;
  private String url;

  static Stream<Arguments> clients() {
    BiFunction<String, String, MeshClient> shortLived = MeshClient::shortLived;
    BiFunction<String, String, MeshClient> standard = MeshClient::new;
    return Stream.of(Arguments.of("short-lived", shortLived), Arguments.of("default", standard));
  }

  @BeforeEach
  void startApi() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/work/", exchange -> {
      byte[] sent = exchange.getRequestBody().readAllBytes();
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization") + " " + sent.length);
      boolean known = exchange.getRequestURI().getPath().equals("/work/agents");
      byte[] body = (known ? "[]" : """
          {"type":"about:blank","title":"Not Found","status":404,"detail":"no task %s"}""".formatted(TASK))
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", known ? "application/json" : "application/problem+json");
      exchange.sendResponseHeaders(known ? 200 : 404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    api.start();
    url = "http://127.0.0.1:" + api.getAddress().getPort();
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void sendsTheTokenAndReadsTheAnswer(String name, BiFunction<String, String, MeshClient> client) {
    assertThat(client.apply(url, "secret-token").agents()).isEmpty();

    assertThat(requests).containsExactly("GET /work/agents Bearer secret-token 0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void anErrorCarriesTheProblemDetailsOfTheServer(String name, BiFunction<String, String, MeshClient> client) {
    assertThatThrownBy(() -> client.apply(url, "secret-token").task(UUID.fromString(TASK)))
        .isInstanceOfSatisfying(MeshApiException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.problem().detail()).isEqualTo("no task " + TASK);
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void aPostWithoutABodySendsNone(String name, BiFunction<String, String, MeshClient> client) {
    assertThatThrownBy(() -> client.apply(url, "secret-token").cancel(UUID.fromString(TASK)))
        .isInstanceOf(MeshApiException.class);

    assertThat(requests).containsExactly("POST /work/tasks/" + TASK + "/cancel Bearer secret-token 0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void aMeshThatDoesNotAnswerIsAnAccessError(String name, BiFunction<String, String, MeshClient> client)
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String nobody = "http://127.0.0.1:" + closed;

    assertThatThrownBy(() -> client.apply(nobody, "secret-token").agents())
        .isInstanceOf(ResourceAccessException.class);
  }
}
