package dev.workmesh.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** How tests send a request to a service and read its answer as text, without checked exceptions. */
public final class TestHttp {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private TestHttp() {}

  /**
   * A request to {@code url}, with the bearer {@code token} and the JSON {@code body} when they are not null.
   */
  public static HttpRequest.Builder request(String method, String url, String token, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /** Sends {@code request} and reads the whole answer. */
  public static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + request.build().uri(), e);
    }
  }
}
