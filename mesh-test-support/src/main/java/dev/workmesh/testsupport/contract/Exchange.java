package dev.workmesh.testsupport.contract;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its response as the server saw them.
 *
 * @param query the query parameters (a name may repeat)
 * @param requestBody the body bytes the server read, or empty
 * @param responseBody null when the response was streamed (server-sent events) and not captured
 */
public record Exchange(String method, String path, Map<String, List<String>> query, String requestContentType,
    byte[] requestBody, int status, String responseContentType, byte[] responseBody) {

  /**
   * An exchange as the client saw it, for answers the server gave before the contract filter (Tomcat's own):
   * no query parameters, the body sent as JSON.
   */
  public static Exchange seenByClient(String method, String path, String body, HttpResponse<String> response) {
    return new Exchange(method, path, Map.of(), body == null ? null : "application/json",
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        response.body().getBytes(StandardCharsets.UTF_8));
  }

  public String describe() {
    return method + " " + path + (query.isEmpty() ? "" : " " + query) + " -> " + status;
  }
}
